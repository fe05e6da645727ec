import type { INestApplicationContext } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LockEventKind, LockService } from '../../lib/index.js';
import { BACKENDS, replicaSet, uniquePrefix } from '../support/lock-app.js';

const next = (locks: LockService, kind: LockEventKind) =>
  firstValueFrom(locks.events$.pipe(filter((e) => e.kind === kind)));

describe.each(BACKENDS)('alerts for work that takes too long (%s backend)', (kind) => {
  const replicas = replicaSet(kind, {
    prefix: uniquePrefix(`alerts-${kind}`),
    alerts: { heldLongerThan: 150, waitingLongerThan: 100 },
  });
  let app: INestApplicationContext;
  let locks: LockService;
  beforeAll(async () => {
    app = await replicas.context();
    locks = app.get(LockService);
  });
  afterAll(() => app.close());

  it('warns once a lock has been held longer than heldLongerThan', async () => {
    const alert = next(locks, 'lock.held-too-long');
    const lock = await locks.acquire('slow-job');
    await expect(alert).resolves.toEqual({
      kind: 'lock.held-too-long',
      type: 'lock.held-too-long', // the deprecated alias, the same for the alerts
      key: 'slow-job',
      fencingToken: lock.fencingToken,
      heldMs: 150,
    });
    await lock.release();
  });

  it('warns once a caller has waited longer than waitingLongerThan', async () => {
    const holder = await locks.acquire('queue');
    const alert = next(locks, 'lock.waiting-too-long');
    const waiter = locks.acquire('queue');
    await expect(alert).resolves.toEqual({
      kind: 'lock.waiting-too-long',
      type: 'lock.waiting-too-long',
      key: 'queue',
      waitedMs: 100,
    });
    await holder.release();
    await (await waiter).release();
  });
});
