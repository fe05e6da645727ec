import { setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import { type ContenderKind, createContender } from './contenders/index.js';

/** How long each worker contends on a key of its own before the measured window. */
const WARM_UP_MS = 300;

/**
 * A bench worker: COUNT contenders of one KIND loop on one KEY (acquire, get + put, release)
 * until END_AT. Prints `ready`, starts on `go`, then prints one JSON line of samples.
 */
async function main(): Promise<void> {
  const { KIND, COUNT, KEY, HOSTS, DURATION_MS } = process.env;
  const contender = await createContender(
    KIND as ContenderKind,
    HOSTS!,
    process.env.REDIS_ENDPOINT,
  );
  const data = new Etcd3({ hosts: HOSTS! });
  const section = async () => {
    const value = Number((await data.get(`bench-data/${KEY}`).string()) ?? 0);
    await data.put(`bench-data/${KEY}`).value(value + 1);
  };
  const waits: number[] = [];
  /** Waits still running when the window closed: lower bounds, counted in the wait figures. */
  const abandoned: number[] = [];
  /** Every contender takes `key` in a loop until `until` aborts, recording its waits if asked. */
  const contend = (key: string, until: AbortSignal, record: boolean) => async () => {
    while (!until.aborted) {
      const started = performance.now();
      let entered = false;
      await contender
        .run(
          key,
          async () => {
            entered = true;
            if (record) waits.push(performance.now() - started);
            await section();
          },
          until,
        )
        .catch((error: unknown) => {
          if (entered || !until.aborted) throw error;
          if (record) abandoned.push(performance.now() - started);
        });
    }
  };
  // The same contention on a key of its own before the window opens: connections, leases,
  // watches and compiled code are ready, so the waits measured are those of contention, not
  // of a process's first moments (the uncontended workload has a cold start in it).
  const warmedUp = AbortSignal.timeout(WARM_UP_MS);
  setMaxListeners(0, warmedUp);
  const count = Number(COUNT);
  await Promise.all(Array.from({ length: count }, contend(`${KEY}-warm-up`, warmedUp, false)));
  process.stdout.write('ready\n');
  const input = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => input.once('line', () => resolve()));
  input.close();
  process.stdin.destroy();
  const startedAt = performance.now();
  const windowClosed = AbortSignal.timeout(Number(DURATION_MS));
  setMaxListeners(0, windowClosed); // every waiting contender listens to it
  await Promise.all(Array.from({ length: count }, contend(KEY!, windowClosed, true)));
  process.stdout.write(
    `${JSON.stringify({ waits, abandoned, elapsedMs: performance.now() - startedAt })}\n`,
  );
  data.close();
  await contender.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
