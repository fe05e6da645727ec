import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { startEtcd } from '../tools/etcd/etcd-process.js';
import { scaleSection, withScaleSection } from './report/scale.markdown.js';
import { dashboardViewers } from './workloads/dashboard-viewers.workload.js';
import { listingScale } from './workloads/listing-scale.workload.js';
import { waitersScale } from './workloads/waiters-scale.workload.js';
import { log, runBench } from './bench-main.js';

const DOC = 'docs/benchmarks.md';

/**
 * `npm run bench:scale`: listing against names (100 to 100,000), waiters against their number
 * (10 to 10,000, on one name and on a name each) and the dashboard against viewers (0 to 300),
 * on a throwaway etcd. Rewrites the scale section of docs/benchmarks.md.
 */
async function main(): Promise<void> {
  const etcd = process.env.ETCD_HOSTS ? undefined : await startEtcd();
  const hosts = process.env.ETCD_HOSTS ?? etcd!.endpoint;
  try {
    const listing = [];
    for (const names of [100, 1_000, 10_000, 100_000]) {
      listing.push(await listingScale(hosts, names));
      log(`listing ${names}`);
    }
    const waiters = [];
    for (const spread of ['one name', 'distinct names'] as const) {
      for (const count of [10, 100, 1_000, 10_000]) {
        waiters.push(await waitersScale(hosts, count, spread));
        log(`waiters ${count} on ${spread}`);
      }
    }
    const viewers = await dashboardViewers(hosts, [0, 1, 10, 100, 300]);
    log('viewers');
    const machine = `${cpus().length} cores, Node ${process.version}`;
    const section = scaleSection({ machine, listing, waiters, viewers });
    console.log(section);
    const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
    writeFileSync(DOC, withScaleSection(doc, section));
    console.log(`wrote the scale section of ${DOC}`);
  } finally {
    await etcd?.stop();
  }
}

runBench(main);
