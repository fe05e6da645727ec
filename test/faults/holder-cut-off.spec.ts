import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockService } from '../../lib/index.js';
import { type EtcdCluster, launchCluster } from '../../tools/etcd/etcd-cluster.js';
import { EtcdMember } from '../../tools/etcd/etcd-member.js';
import {
  canPartition,
  type ClientNamespace,
  startClientNamespace,
} from '../../tools/etcd/etcd-netns.js';
import { freePort } from '../../tools/etcd/free-port.js';
import { now } from '../src/critical-section.recorder.js';
import { recordFault } from '../support/fault-record.js';
import { JsonLineWorker } from '../support/json-line-worker.js';
import { bootContext, uniquePrefix } from '../support/lock-app.js';

const TTL = 4;

/**
 * The holder alone loses etcd: its process runs in a network namespace whose link goes down,
 * while etcd and the waiter stay healthy. It cannot be told by etcd, so it must tell itself,
 * from its own renewal deadline, before the server expires its lease and the waiter gets in.
 */
describe.skipIf(!canPartition())('a holder cut off from every member', () => {
  let net: ClientNamespace;
  let etcd: EtcdCluster;
  beforeAll(async () => {
    net = startClientNamespace();
    const member = new EtcdMember({
      name: 'cut-holder',
      host: net.hostIp, // reached from here, and from the namespace over the link
      clientPort: await freePort(),
      peerPort: await freePort(),
      metricsPort: await freePort(),
      dataDir: join(mkdtempSync(join(tmpdir(), 'nestjs-etcd-lock-cut-')), 'm0'),
      initialCluster: '',
    });
    member.config.initialCluster = `cut-holder=${member.peerUrl}`;
    etcd = await launchCluster([member], join(member.config.dataDir, '..'));
  });
  afterAll(async () => {
    net?.heal();
    await etcd?.stop();
    net?.remove();
  });

  it(`says LockLostError before the waiter gets the lock (ttl ${TTL} s)`, async () => {
    const prefix = uniquePrefix('cut-holder');
    const hosts = etcd.hosts.join(',');
    const env = { ETCD_HOSTS: hosts, LOCK_PREFIX: prefix, TTL: String(TTL) };
    const holder = await JsonLineWorker.start(env, 'fault-worker', net.ns);
    const app = await bootContext({ hosts: etcd.hosts, prefix });
    try {
      await holder.ask({ op: 'acquire', key: 'job' });
      expect(await holder.ask({ op: 'watchLoss' })).toEqual({ watching: true });
      const waiting = app.get(LockService).acquire('job', { waitTimeout: 30_000 });
      const lost = holder.next<{ lostAt: number; reason: string }>();
      net.cut();
      const cutAt = now();
      const { lostAt, reason } = await lost;
      const lock = await waiting;
      const acquiredAt = now();
      expect(lostAt).toBeLessThan(acquiredAt);
      await lock.release();
      recordFault({
        scenario: `Holder alone cut off from etcd (its own network namespace), ttl ${TTL}`,
        invariant: "the holder's LockLostError comes before the waiter acquires",
        figure:
          `holder told ${((lostAt - cutAt) / 1000).toFixed(2)} s after the cut ("${reason}"); ` +
          `the waiter acquired ${((acquiredAt - lostAt) / 1000).toFixed(2)} s after that`,
      });
    } finally {
      holder.dispose();
      await app.close();
    }
  });
});
