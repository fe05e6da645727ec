import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lock, LockService } from '../../lib/index.js';
import { ensureFenceTable, fenceSql, fenceTableSql } from '../../lib/sql/index.js';
import { type MariadbInstance, startMariadb } from '../../tools/mariadb/mariadb-process.js';
import { JsonLineWorker } from '../support/json-line-worker.js';
import { bootContext, etcdHosts, uniquePrefix } from '../support/lock-app.js';
import type { Isolation } from '../src/fence-worker.js';

const ISOLATIONS: Isolation[] = ['READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE'];
const TTL = 2;
const FENCE = { dialect: 'mysql' } as const;

describe("fenceSql({ dialect: 'mysql' }) on a real MariaDB", () => {
  let mariadb: MariadbInstance;
  let db: mysql.Connection;
  const prefix = uniquePrefix('sql-fence-mysql');
  let locks: LockService;
  let close: () => Promise<void>;

  beforeAll(async () => {
    mariadb = await startMariadb();
    db = await mysql.createConnection(mariadb.url);
    await ensureFenceTable(db, FENCE);
    await db.query('CREATE TABLE seat (id int PRIMARY KEY, holder text, writes int NOT NULL)');
    const app = await bootContext({ hosts: etcdHosts(), prefix, ttl: TTL });
    locks = app.get(LockService);
    close = () => app.close();
  }, 300_000);
  afterAll(async () => {
    await close?.();
    await db?.end();
    await mariadb?.stop();
  });

  const seat = async () => {
    const [rows] = await db.query('SELECT holder, writes FROM seat WHERE id = 1');
    return (rows as { holder: string; writes: number }[])[0];
  };

  /** A holder frozen (SIGSTOP) past its TTL, thawed after B wrote, then runs its transaction. */
  async function frozenHolder(name: string, isolation: Isolation, fence: boolean) {
    await db.query('DELETE FROM seat');
    await db.query("INSERT INTO seat VALUES (1, 'nobody', 0)");
    const env = { ETCD_HOSTS: etcdHosts(), LOCK_PREFIX: prefix, LOCK_TTL: String(TTL) };
    const a = await JsonLineWorker.start({ ...env, MYSQL_URL: mariadb.url }, 'fence-worker');
    try {
      await a.ask({ op: 'acquire', name });
      a.kill('SIGSTOP');
      const b: Lock = await locks.acquire(name, { waitTimeout: 15_000 });
      await db.query('START TRANSACTION');
      if (fence) await fenceSql(b, db, FENCE);
      await db.query("UPDATE seat SET holder = 'B', writes = writes + 1 WHERE id = 1");
      await db.query('COMMIT');
      await b.release();
      a.kill('SIGCONT');
      const answer = await a.ask<{ committed?: true; error?: string }>({
        op: 'write',
        driver: 'mysql',
        isolation,
        fence,
        holder: 'A',
      });
      return { answer, seat: await seat() };
    } finally {
      a.dispose();
    }
  }

  for (const isolation of ISOLATIONS) {
    it(`refuses a holder frozen past its TTL with StaleLockError (${isolation})`, async () => {
      const { answer, seat } = await frozenHolder(
        `m-${isolation.replace(' ', '-')}`,
        isolation,
        true,
      );
      expect(answer.error).toBe('StaleLockError');
      expect(seat).toEqual({ holder: 'B', writes: 1 });
    }, 30_000);
  }

  it('without the fence, the same frozen holder overwrites B (the control)', async () => {
    const { answer, seat } = await frozenHolder('m-unfenced', 'READ COMMITTED', false);
    expect(answer.committed).toBe(true);
    expect(seat).toEqual({ holder: 'A', writes: 2 });
  }, 30_000);

  it('creates its table with a key that holds a 1024-byte lock name', async () => {
    expect(fenceTableSql(FENCE)).toMatch(/varbinary\(1024\) PRIMARY KEY/);
    const lock = await locks.acquire('x'.repeat(1024));
    await fenceSql(lock, db, FENCE);
    await lock.release();
    const [rows] = await db.query('SELECT length(name) AS n FROM lock_fences WHERE token = ?', [
      String(lock.fencingToken),
    ]);
    expect(rows).toEqual([{ n: 1024 }]);
  });
});
