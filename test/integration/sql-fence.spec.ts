import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockService } from '../../lib/index.js';
import { ensureFenceTable, fenceSql, StaleLockError } from '../../lib/sql/index.js';
import { type PostgresInstance, startPostgres } from '../../tools/postgres/postgres-process.js';
import { JsonLineWorker } from '../support/json-line-worker.js';
import { bootContext, etcdHosts, uniquePrefix } from '../support/lock-app.js';
import type { Driver, Isolation } from '../src/fence-worker.js';

const ISOLATIONS: Isolation[] = ['READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE'];
const TTL = 2;

describe('fenceSql on a real PostgreSQL', () => {
  let postgres: PostgresInstance;
  let db: pg.Client;
  const prefix = uniquePrefix('sql-fence');
  let locks: LockService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    postgres = await startPostgres();
    db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    await ensureFenceTable(db);
    await db.query('CREATE TABLE seat (id int PRIMARY KEY, holder text, writes int NOT NULL)');
    await db.query('CREATE TABLE increments (pid int NOT NULL)');
    const app = await bootContext({ hosts: etcdHosts(), prefix, ttl: TTL });
    locks = app.get(LockService);
    close = () => app.close();
  }, 120_000);
  afterAll(async () => {
    await close?.();
    await db?.end();
    await postgres?.stop();
  });

  /** Holder A: a process of its own, so that SIGSTOP freezes its lease renewals too. */
  const startHolder = () =>
    JsonLineWorker.start(
      { ETCD_HOSTS: etcdHosts(), LOCK_PREFIX: prefix, LOCK_TTL: String(TTL), PG_URL: postgres.url },
      'fence-worker',
    );

  async function resetSeat(): Promise<void> {
    await db.query('DELETE FROM seat');
    await db.query('DELETE FROM increments');
    await db.query("INSERT INTO seat VALUES (1, 'nobody', 0)");
  }

  /** B's transaction: fence, write, commit. */
  async function writeAsB(lock: Parameters<typeof fenceSql>[0], fence = true): Promise<void> {
    await db.query('BEGIN');
    try {
      if (fence) await fenceSql(lock, db);
      await db.query("UPDATE seat SET holder = 'B', writes = writes + 1 WHERE id = 1");
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
  }

  /**
   * A takes the lock, is frozen past its TTL, B takes the lock and writes; A thaws and runs its
   * transaction as if it still held the lock. Returns A's answer and the seat row.
   */
  async function frozenHolder(name: string, driver: Driver, isolation: Isolation, fence: boolean) {
    await resetSeat();
    const a = await startHolder();
    try {
      const { token } = await a.ask<{ token: string }>({ op: 'acquire', name });
      a.kill('SIGSTOP');
      // B queues behind A and gets in once A's lease, no longer renewed, expires.
      const b = await locks.acquire(name, { waitTimeout: 15_000 });
      expect(b.fencingToken).toBeGreaterThan(BigInt(token));
      await writeAsB(b, fence);
      await b.release();
      a.kill('SIGCONT');
      const answer = await a.ask<{ committed?: true; error?: string }>({
        op: 'write',
        driver,
        isolation,
        fence,
        holder: 'A',
      });
      const { rows } = await db.query<{ holder: string; writes: number }>(
        'SELECT holder, writes FROM seat WHERE id = 1',
      );
      return { answer, seat: rows[0]! };
    } finally {
      a.dispose();
    }
  }

  for (const driver of ['pg', 'typeorm'] as const) {
    for (const isolation of ISOLATIONS) {
      it(`refuses a holder frozen past its TTL with StaleLockError (${driver}, ${isolation})`, async () => {
        const name = `seat-${driver}-${isolation.replace(' ', '-')}`;
        const { answer, seat } = await frozenHolder(name, driver, isolation, true);
        expect(answer.error).toBe('StaleLockError');
        expect(seat).toEqual({ holder: 'B', writes: 1 });
      }, 30_000);
    }
  }

  it('without the fence, the same frozen holder overwrites B (the control)', async () => {
    const { answer, seat } = await frozenHolder('seat-unfenced', 'pg', 'READ COMMITTED', false);
    expect(answer.committed).toBe(true);
    expect(seat).toEqual({ holder: 'A', writes: 2 });
  }, 30_000);

  it('a holder frozen after its fence holds B at the fence; lock_timeout bounds B; the database orders A first', async () => {
    await resetSeat();
    const a = await startHolder();
    try {
      await a.ask({ op: 'acquire', name: 'seat-held-fence' });
      expect(await a.ask({ op: 'fenceAndWait', isolation: 'READ COMMITTED', holder: 'A' })).toEqual(
        {
          fenced: true,
        },
      );
      a.kill('SIGSTOP');
      const b = await locks.acquire('seat-held-fence', { waitTimeout: 15_000 });
      await db.query('BEGIN');
      await db.query("SET LOCAL lock_timeout = '500ms'");
      const blocked = await fenceSql(b, db).catch((error: { code?: string }) => error);
      await db.query('ROLLBACK');
      // 55P03: lock_not_available. B waited on A's row lock, as long as lock_timeout let it.
      expect((blocked as { code?: string }).code).toBe('55P03');
      a.kill('SIGCONT');
      expect(await a.ask({ op: 'commit' })).toEqual({ committed: true });
      // A fenced first and committed: its write stands, and B, fencing now, reads it.
      await writeAsB(b);
      await b.release();
      const { rows } = await db.query('SELECT holder, writes FROM seat WHERE id = 1');
      expect(rows[0]).toEqual({ holder: 'B', writes: 2 });
    } finally {
      a.dispose();
    }
  }, 30_000);

  it('at REPEATABLE READ, B waiting at the fence fails with 40001 once A commits, and a retry succeeds', async () => {
    await resetSeat();
    const a = await startHolder();
    const observer = new pg.Client({ connectionString: postgres.url });
    await observer.connect();
    try {
      await a.ask({ op: 'acquire', name: 'seat-rr' });
      await a.ask({ op: 'fenceAndWait', isolation: 'READ COMMITTED', holder: 'A' });
      a.kill('SIGSTOP');
      const b = await locks.acquire('seat-rr', { waitTimeout: 15_000 });
      await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const fencing = fenceSql(b, db).catch((error: { code?: string }) => error);
      const waiting = async () =>
        (await observer.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))
          .rowCount;
      await expect.poll(waiting, { timeout: 5_000 }).toBe(1);
      a.kill('SIGCONT');
      expect(await a.ask({ op: 'commit' })).toEqual({ committed: true });
      // A's commit changed the fence row B was waiting for, after B's snapshot: B cannot go on.
      expect(((await fencing) as { code?: string }).code).toBe('40001');
      await db.query('ROLLBACK');
      await writeAsB(b);
      await b.release();
      const { rows } = await db.query('SELECT holder, writes FROM seat WHERE id = 1');
      expect(rows[0]).toEqual({ holder: 'B', writes: 2 });
    } finally {
      a.dispose();
      await observer.end();
    }
  }, 30_000);

  it('3 processes x 6 callers increment one row through withLock and the fence: exact count', async () => {
    await resetSeat();
    const workers = await Promise.all([0, 1, 2].map(() => startHolder()));
    try {
      const rounds = 10;
      const done = await Promise.all(
        workers.map((w) =>
          w.ask<{ done?: number; error?: string }>({
            op: 'contend',
            name: 'seat-count',
            callers: 6,
            rounds,
          }),
        ),
      );
      expect(done).toEqual(workers.map(() => ({ done: 6 * rounds, failed: {} })));
      const { rows } = await db.query('SELECT writes FROM seat WHERE id = 1');
      expect(rows[0]).toEqual({ writes: 3 * 6 * rounds });
    } finally {
      workers.forEach((w) => w.dispose());
    }
  }, 120_000);

  it('stays exact while holders are frozen (SIGSTOP 3 s, past the TTL) and killed (SIGKILL)', async () => {
    await resetSeat();
    const workers = await Promise.all([0, 1, 2].map(() => startHolder()));
    const [steady, frozen, killed] = workers as [JsonLineWorker, JsonLineWorker, JsonLineWorker];
    const count = async () =>
      Number((await db.query('SELECT count(*) AS n FROM increments')).rows[0].n);
    try {
      // The process to freeze holds each lock 50 ms, inside its transaction, after its fence.
      const asks = [steady, frozen].map((w, i) =>
        w.ask<{ done: number; failed: Record<string, number> }>({
          op: 'contend',
          name: 'seat-faults',
          callers: 6,
          rounds: 15,
          holdMs: i === 1 ? 50 : 0,
        }),
      );
      killed.send({ op: 'contend', name: 'seat-faults', callers: 6, rounds: 15 });
      await expect.poll(count, { timeout: 30_000 }).toBeGreaterThanOrEqual(20);
      // Freeze it while it holds the lock (it shows as the holder in etcd).
      const frozenPid = `/${frozen.child.pid}`;
      const holder = async () => (await locks.inspect('seat-faults')).holders[0]?.owner ?? '';
      await expect.poll(holder, { timeout: 30_000, interval: 5 }).toMatch(frozenPid);
      frozen.kill('SIGSTOP');
      // A fault of fixed length: the frozen process may hold the lock, or the fence row.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      frozen.kill('SIGCONT');
      const before = await count();
      await expect.poll(count, { timeout: 30_000 }).toBeGreaterThanOrEqual(before + 20);
      killed.kill('SIGKILL');
      const [a, b] = await Promise.all(asks);
      // Every committed increment read the value the previous one wrote: none was lost.
      const { rows } = await db.query('SELECT writes FROM seat WHERE id = 1');
      const committed = await count();
      expect(rows[0]).toEqual({ writes: committed });
      expect(a!.done + b!.done).toBeLessThanOrEqual(committed);
      const failures = (r: { failed: Record<string, number> }) =>
        Object.values(r.failed).reduce((x, y) => x + y, 0);
      expect([a!.done + failures(a!), b!.done + failures(b!)]).toEqual([6 * 15, 6 * 15]);
      mkdirSync('build', { recursive: true });
      const figures = { committed, steady: a, frozen: b, killedAfter: before };
      writeFileSync('build/sql-fence-faults.json', JSON.stringify(figures));
    } finally {
      workers.forEach((w) => w.dispose());
    }
  }, 180_000);

  it('refuses a read lock or a semaphore, and a bad table name, before any SQL', async () => {
    const read = await locks.acquire('report', { mode: 'read' });
    const sent: string[] = [];
    const spy = { query: async (text: string) => void sent.push(text) };
    await expect(fenceSql(read, spy)).rejects.toThrow(/several holders at once/);
    await read.release();
    const plain = await locks.acquire('report');
    await expect(fenceSql(plain, spy, { table: 'x; DROP TABLE seat' })).rejects.toThrow(
      /expected a table name/,
    );
    await plain.release();
    expect(sent).toEqual([]);
    expect(StaleLockError).toBeDefined();
  });
});
