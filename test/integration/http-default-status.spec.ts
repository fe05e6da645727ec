import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { EtcdLockModule, LockExceptionFilter, LockService } from '../../lib/index.js';
import { EtcdLockTestingModule } from '../../lib/testing/index.js';
import { etcdHosts, uniquePrefix } from '../support/lock-app.js';
import { TicketsController } from '../src/tickets.controller.js';

type HttpErrors = boolean | { lockedStatus?: number; retryAfter?: number };

const modules = {
  etcd: (httpErrors?: HttpErrors) =>
    EtcdLockModule.forRoot({ hosts: etcdHosts(), prefix: uniquePrefix('tickets'), httpErrors }),
  memory: (httpErrors?: HttpErrors) => EtcdLockTestingModule.forRoot({ httpErrors }),
};

async function busyTicket(
  kind: keyof typeof modules,
  httpErrors?: HttpErrors,
  globalFilter?: LockExceptionFilter,
) {
  @Module({ imports: [modules[kind](httpErrors)], controllers: [TicketsController] })
  class TicketsModule {}
  const app = await NestFactory.create(TicketsModule, { logger: false });
  if (globalFilter) app.useGlobalFilters(globalFilter);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const held = await app.get(LockService).acquire('ticket:7');
  const res = await fetch(`${url}/tickets/7`, { method: 'POST' });
  const body = (await res.json()) as Record<string, unknown>;
  await held.release();
  await app.close();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
}

describe.each(['etcd', 'memory'] as const)(
  'a busy @WithLock route with no filter of its own (%s backend)',
  (kind) => {
    it('answers 423 Locked with Retry-After by default, not a 500', async () => {
      const { status, retryAfter, body } = await busyTicket(kind);
      expect(status).toBe(423);
      expect(retryAfter).toBe('1');
      expect(body).toMatchObject({ statusCode: 423, error: 'Locked', lock: 'ticket:7' });
    });

    it('takes the statuses from httpErrors', async () => {
      const { status, retryAfter } = await busyTicket(kind, { lockedStatus: 409, retryAfter: 3 });
      expect([status, retryAfter]).toEqual([409, '3']);
    });

    it("gives way to a global filter of the app's own", async () => {
      const mine = new LockExceptionFilter({ lockedStatus: 409, retryAfter: 0 });
      const { status, retryAfter } = await busyTicket(kind, undefined, mine);
      expect([status, retryAfter]).toEqual([409, null]);
    });

    it("leaves the error to the app's own handling with httpErrors: false", async () => {
      const { status } = await busyTicket(kind, false);
      expect(status).toBe(500);
    });
  },
);
