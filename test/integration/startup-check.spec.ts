import { Test } from '@nestjs/testing';
import { Etcd3 } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { leaseRevokeBugIn } from '../../lib/etcd/cluster/etcd-version.check.js';
import { EtcdLockModule } from '../../lib/index.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { etcdHosts, uniquePrefix } from '../support/lock-app.js';

async function startupLines(): Promise<{ logger: CapturingLogger; close(): Promise<void> }> {
  const logger = new CapturingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [EtcdLockModule.forRoot({ hosts: etcdHosts(), prefix: uniquePrefix('startup') })],
  })
    .setLogger(logger)
    .compile();
  await moduleRef.init();
  return { logger, close: () => moduleRef.close() };
}

// The etcd the suite runs on; Debian's etcd-server (3.4.23) has the bug, so the test runs here.
const client = new Etcd3({ hosts: etcdHosts() });
const { version } = await client.maintenance.status().finally(() => client.close());
const expected = leaseRevokeBugIn(version);

describe('the start-up check against the real etcd', () => {
  it.runIf(expected !== undefined)(
    `warns once that etcd ${version} can revoke renewed leases, naming the fix`,
    async () => {
      const { logger, close } = await startupLines();
      try {
        await expect(logger.next(/can revoke every lease/)).resolves.toBe(`warn ${expected}`);
        const warnings = logger.lines.filter((line) => line.includes('can revoke every lease'));
        expect(warnings).toHaveLength(1);
      } finally {
        await close();
      }
    },
  );
});
