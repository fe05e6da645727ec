import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FAULT_RESULTS_DIR = 'build/fault-results';

export interface FaultRecord {
  scenario: string;
  invariant: string;
  /** What the run measured, in words and numbers (e.g. "recovered in 2.31 s"). */
  figure: string;
}

/**
 * Writes a scenario's outcome for `npm run report:faults`. Call it only after the test's
 * assertions have passed: a scenario that fails writes nothing and shows up as missing.
 */
export function recordFault(record: FaultRecord): void {
  mkdirSync(FAULT_RESULTS_DIR, { recursive: true });
  const file = record.scenario
    .replaceAll('<', ' lt ')
    .replaceAll('>', ' gt ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
  writeFileSync(
    join(FAULT_RESULTS_DIR, `${file}.json`),
    JSON.stringify({ ...record, at: new Date().toISOString() }),
  );
}
