import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { startEtcd } from '../tools/etcd/etcd-process.js';
import { findEtcd } from '../tools/etcd/find-etcd.js';
import type { Contender } from './contenders/contender.js';
import { etcd3Polling } from './contenders/etcd3-polling.contender.js';
import { oursDecorator, oursService, oursWithLock } from './contenders/ours.contender.js';
import { rawFloor } from './contenders/raw-floor.contender.js';
import { seedRecipe } from './contenders/seed-recipe.contender.js';
import { ms, ratio } from './stats.js';
import { uncontended } from './workloads/uncontended.workload.js';

/** `npm run bench [-- --quick]`: every contender on the same etcd, in the same run. */
async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const etcd = process.env.ETCD_HOSTS ? undefined : await startEtcd();
  const hosts = process.env.ETCD_HOSTS ?? etcd!.endpoint;
  const contenders: Contender[] = [
    rawFloor(hosts),
    await oursService(hosts),
    await oursWithLock(hosts),
    await oursDecorator(hosts),
    etcd3Polling(hosts),
    seedRecipe(hosts),
  ];
  try {
    console.log(machineFacts());
    const iterations = quick ? 200 : 1000;
    const results = await uncontended(contenders, iterations);
    const floor = results.get(contenders[0]!.name)!.median;
    console.log(`\nUncontended acquire+release, ${iterations} sequential cycles per contender\n`);
    console.log('| contender | median | p99 | max | median ÷ floor |');
    console.log('|---|---|---|---|---|');
    for (const [name, s] of results) {
      console.log(
        `| ${name} | ${ms(s.median)} | ${ms(s.p99)} | ${ms(s.max)} | ${ratio(s.median, floor)} |`,
      );
    }
  } finally {
    for (const c of contenders) await c.close();
    await etcd?.stop();
  }
}

function machineFacts(): string {
  const etcdVersion = execFileSync(findEtcd().etcd, ['--version'], { encoding: 'utf8' }).split(
    '\n',
  )[0];
  return `machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ${etcdVersion}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
