import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidLockArgumentError } from '../../lib/index.js';
import { BACKENDS, replicaSet, uniquePrefix } from '../support/lock-app.js';
import { LedgerService } from '../src/ledger.service.js';

describe.each(BACKENDS)(
  '@WithLock with several names, a semaphore and a read mode (%s)',
  (kind) => {
    const replicas = replicaSet(kind, { prefix: uniquePrefix(`shape-routes-${kind}`) });
    let apps: { app: INestApplication; url: string }[];

    beforeAll(async () => {
      apps = await Promise.all([replicas.http(), replicas.http()]);
    });
    afterAll(() => Promise.all(apps.map(({ app }) => app.close())));

    const post = (i: number, path: string, body: unknown) =>
      fetch(`${apps[i % 2]!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('a route whose key function returns two names moves money between accounts exactly', async () => {
      const start = (await (await fetch(`${apps[0]!.url}/accounts/balances`)).json()) as Record<
        string,
        number
      >;
      const names = ['a', 'b', 'c', 'd'];
      const expected: Record<string, number> = { ...start };
      const transfers = Array.from({ length: 40 }, (_, i) => {
        const from = names[i % 4]!;
        const to = names[(i * 3 + 1) % 4]!;
        const amount = (i % 7) + 1;
        if (from !== to) {
          expected[from]! -= amount;
          expected[to]! += amount;
        }
        return { from, to, amount };
      });
      const replies = await Promise.all(
        transfers.filter((t) => t.from !== t.to).map((t, i) => post(i, '/accounts/transfer', t)),
      );
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 201));
      const first = (await replies[0]!.json()) as { keys: string[] };
      expect(first.keys).toHaveLength(2);
      const end = await (await fetch(`${apps[1]!.url}/accounts/balances`)).json();
      expect(end).toEqual(expected);
    });

    it("a route with mode 'read' runs under a read lock", async () => {
      const reply = await fetch(`${apps[0]!.url}/accounts/catalog`);
      await expect(reply.json()).resolves.toEqual({ mode: 'read' });
    });

    it('a service method with permits: 2 runs at most twice at once across replicas, and does', async () => {
      LedgerService.exportsAtOnce = { now: 0, most: 0 };
      const ledgers = apps.map(({ app }) => app.get(LedgerService));
      const runs = Array.from({ length: 8 }, (_, i) => ledgers[i % 2]!.exportReport(30));
      await expect(Promise.all(runs)).resolves.toEqual(runs.map(() => 2));
      // Both replicas live in this process, so one counter sees every holder.
      expect(LedgerService.exportsAtOnce.most).toBe(2);
    });

    it('a key function that returns a bad list rejects with InvalidLockArgumentError', async () => {
      const ledger = apps[0]!.app.get(LedgerService);
      await expect(ledger.underNames([])).rejects.toBeInstanceOf(InvalidLockArgumentError);
      await expect(ledger.underNames(['x', 'x'])).rejects.toThrow(/listed twice/);
      await expect(ledger.underNames(['x', 'y'])).resolves.toEqual(['x', 'y']);
    });
  },
);
