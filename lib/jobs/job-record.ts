import { LockAcquireError } from '../errors/lock-acquire.error.js';
import type { RecordStore } from '../lock/record-store.interface.js';
import { type JobState, parseJobState } from './job-history.js';

/** Compare-and-set rounds before giving up: each lost round means another replica wrote. */
const MAX_ROUNDS = 20;

/** Where the jobs' states live among the records. */
export const JOB_RECORDS = 'job/';
export const jobRecordName = (name: string): string => `${JOB_RECORDS}${name}`;

/**
 * Reads the job's state, applies `change`, and writes it back if nobody wrote in between;
 * otherwise reads again. A write whose reply was lost is settled by reading: if it landed and
 * was overwritten since, `change` sees its own work in the state and writes nothing.
 */
export async function updateJobState<R>(
  records: RecordStore,
  name: string,
  /** Undefined: nothing to do; `{ result }` alone: already done, nothing to write. */
  change: (state: JobState | undefined) => { state?: JobState; result: R } | undefined,
): Promise<R | undefined> {
  const record = jobRecordName(name);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { value, version } = await records.readRecord(record);
    const next = change(parseJobState(value));
    if (!next?.state) return next?.result;
    const text = JSON.stringify(next.state);
    try {
      if (await records.writeRecord(record, text, version)) return next.result;
    } catch (error) {
      const after = await records.readRecord(record).catch(() => {
        throw error;
      });
      if (after.value === text) return next.result;
    }
  }
  throw new LockAcquireError({
    key: name,
    attempts: MAX_ROUNDS,
    reason: `its job record kept changing under ${MAX_ROUNDS} writes in a row`,
  });
}
