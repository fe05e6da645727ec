import { setMaxListeners } from 'node:events';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Etcd3 } from 'etcd3';
import { type ContenderKind, createContender } from './contenders/index.js';

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
  process.stdout.write('ready\n');
  const input = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => input.once('line', () => resolve()));
  input.close();
  process.stdin.destroy();
  const startedAt = performance.now();
  const windowClosed = AbortSignal.timeout(Number(DURATION_MS));
  setMaxListeners(0, windowClosed); // every waiting contender listens to it
  const waits: number[] = [];
  /** Waits still running when the window closed: lower bounds, counted in the wait figures. */
  const abandoned: number[] = [];
  const loop = async () => {
    while (!windowClosed.aborted) {
      const started = performance.now();
      let entered = false;
      await contender
        .run(
          KEY!,
          async () => {
            entered = true;
            waits.push(performance.now() - started);
            await section();
          },
          windowClosed,
        )
        .catch((error: unknown) => {
          if (entered || !windowClosed.aborted) throw error;
          abandoned.push(performance.now() - started);
        });
    }
  };
  await Promise.all(Array.from({ length: Number(COUNT) }, loop));
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
