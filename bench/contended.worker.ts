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
  const contender = await createContender(KIND as ContenderKind, HOSTS!);
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
  const endAt = startedAt + Number(DURATION_MS);
  const waits: number[] = [];
  const loop = async () => {
    while (performance.now() < endAt) {
      const started = performance.now();
      await contender.run(KEY!, async () => {
        waits.push(performance.now() - started);
        await section();
      });
    }
  };
  await Promise.all(Array.from({ length: Number(COUNT) }, loop));
  process.stdout.write(`${JSON.stringify({ waits, elapsedMs: performance.now() - startedAt })}\n`);
  data.close();
  await contender.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
