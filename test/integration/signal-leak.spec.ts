import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { ETCD_LOCK_BACKEND } from '../../lib/etcd-lock.constants.js';
import type { EtcdMembers } from '../../lib/etcd/cluster/etcd-members.js';
import { LeaderService, LockService } from '../../lib/index.js';
import { EtcdLockTestingModule } from '../../lib/testing/index.js';
import { uniquePrefix, useLockApp } from '../support/lock-app.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => (gc(), process.memoryUsage().heapUsed / 2 ** 20);

/**
 * Node 20's `AbortSignal.any` keeps a record in each source until that source aborts, and the
 * service's shutdown signal never does in a healthy process. Combining the caller's signal with
 * it that way leaked about 60 bytes per acquisition; the service must not.
 */
describe('acquisitions with a caller signal', () => {
  it('leave nothing behind in long-lived signals (100k withLock calls, heap flat)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [EtcdLockTestingModule.forRoot()],
    }).compile();
    const locks = moduleRef.get(LockService);
    const run = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await locks.withLock('k', () => i, { signal: new AbortController().signal });
      }
    };
    await run(10_000); // warm up
    const before = heapMb();
    await run(100_000);
    const grown = heapMb() - before;
    await moduleRef.close();
    expect(grown).toBeLessThan(2);
  });
});

/**
 * `watch()` and `observe()` each follow the member in use through its "silenced" signal. A
 * subscription that ended left its listener there: about 3 KB per subscribe/unsubscribe, for
 * as long as that member stayed healthy (browsers reconnect `EventSource` on their own).
 */
describe('subscriptions to watch() and observe()', () => {
  const fx = useLockApp({ prefix: uniquePrefix('sub-leak') });

  it('leave no listener and no heap behind after 10,000 subscribe/unsubscribe rounds', async () => {
    const members = (fx.app.get(ETCD_LOCK_BACKEND) as unknown as { members: EtcdMembers }).members;
    const listeners = () => getEventListeners(members.silenced(members.current()), 'abort').length;
    const leaders = fx.app.get(LeaderService);
    const rounds = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await firstValueFrom(fx.locks.watch());
        await firstValueFrom(leaders.observe('reports'));
      }
    };
    await rounds(500); // warm up
    const before = { listeners: listeners(), heapMb: heapMb() };
    await rounds(5_000);
    const grownMb = heapMb() - before.heapMb;
    expect(listeners()).toBe(before.listeners);
    // The leak was about 3 KB a round: 15 MB here.
    expect(grownMb).toBeLessThan(2);
  });
});
