import { Test } from '@nestjs/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { filter, firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { EtcdLockModule, type LockEvent, LockService } from '../../lib/index.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { etcdHosts, uniquePrefix } from '../support/lock-app.js';

/** Blocks the event loop, as a CPU-bound handler would. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('a renewal the event loop delays', () => {
  it('gives a lock.renewal-late warning naming the lag, before any loss (3 s stall, ttl 10)', async () => {
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({
      imports: [
        EtcdLockModule.forRoot({ hosts: etcdHosts(), prefix: uniquePrefix('late'), ttl: 10 }),
      ],
    })
      .setLogger(logger)
      .compile();
    await moduleRef.init();
    const locks = moduleRef.get(LockService);
    const lock = await locks.acquire('report');
    const late = firstValueFrom(
      locks.events$.pipe(
        filter(
          (e): e is LockEvent & { kind: 'lock.renewal-late' } => e.kind === 'lock.renewal-late',
        ),
      ),
    );

    // A fresh lease is renewed every TTL/3 from its grant: place the stall over that moment,
    // so the renewal goes out ~2.5 s late, past the TTL/6 (1.67 s) that counts as late.
    const { remainingMs } = locks.stats().sessions.find((s) => s.ttl === 10)!;
    const dueInMs = remainingMs - (10_000 * 2) / 3;
    await sleep(Math.max(0, dueInMs - 500));
    stall(3_000);

    const event = await late;
    expect(event).toMatchObject({ phase: 'sent', ttl: 10, keys: ['report'] });
    expect(event.lateMs).toBeGreaterThan(2_000);
    expect(event.remainingMs).toBeGreaterThan(3_000); // well before the lease would run out
    const warning = await logger.next(/renewed .* ms late/);
    expect(warning).toMatch(
      /^warn lease [0-9a-f]+ \(ttl 10 s\) was renewed 2\d{3}\.\d ms late: the event loop was blocked/,
    );
    expect(warning).toContain('"report"');

    // No loss: etcd still has the lock's key, and its holder was told of nothing.
    expect((await lock.ifHeld().commit()).succeeded).toBe(true);
    expect(lock.signal.aborted).toBe(false);
    expect(logger.lines.filter((line) => line.startsWith('warn lost'))).toEqual([]);
    await lock.release();
    await moduleRef.close();
  }, 30_000);
});
