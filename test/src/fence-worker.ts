import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { EtcdLockModule, type Lock, LockLostError, LockService } from '../../lib/index.js';
import { fenceSql, type SqlQueryable, StaleLockError } from '../../lib/sql/index.js';

/** How a transaction is run: node-postgres or mysql2 by hand, or TypeORM's `transaction()`. */
export type Driver = 'pg' | 'typeorm' | 'mysql';
export type Isolation = 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';

type Command =
  | { op: 'acquire'; name: string }
  /** One transaction: fence (unless `fence` is false), then write `holder` into the seat row. */
  | { op: 'write'; driver: Driver; isolation: Isolation; fence: boolean; holder: string }
  /** Opens a transaction and fences, then waits for `commit` before it writes. */
  | { op: 'fenceAndWait'; isolation: Isolation; holder: string }
  | { op: 'commit' }
  /**
   * `callers` concurrent loops, each `rounds` times: withLock, fence, read, +1, log the write in
   * `increments`, commit. A stale or lost lock fails that round only (counted), as it would a
   * request.
   */
  | { op: 'contend'; name: string; callers: number; rounds: number; holdMs?: number };

const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const fail = (error: unknown) =>
  error instanceof Error ? { error: error.name, message: error.message } : { error: String(error) };

/** The seat row's update: the last writer's name, and a count of the writes that landed. */
const WRITE = 'UPDATE seat SET holder = $1, writes = writes + 1 WHERE id = 1';

async function main(): Promise<void> {
  @Module({
    imports: [
      EtcdLockModule.forRoot({
        hosts: process.env.ETCD_HOSTS?.split(','),
        prefix: process.env.LOCK_PREFIX,
        ttl: Number(process.env.LOCK_TTL ?? 10),
        log: 'none',
      }),
    ],
  })
  class FenceAppModule {}
  const app = await NestFactory.createApplicationContext(FenceAppModule, { logger: false });
  const locks = app.get(LockService);
  const onMysql = Boolean(process.env.MYSQL_URL);
  const pool = new pg.Pool({ connectionString: process.env.PG_URL, max: 8 });
  const orm = onMysql
    ? undefined
    : await new DataSource({ type: 'postgres', url: process.env.PG_URL }).initialize();
  let lock: Lock | undefined;
  let pending: { client: pg.PoolClient; holder: string } | undefined;

  /** One transaction on node-postgres: BEGIN at `isolation`, `body`, COMMIT; ROLLBACK on error. */
  async function inPg<T>(isolation: Isolation, body: (db: SqlQueryable) => Promise<T>) {
    const client = await pool.connect();
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  /** One transaction on mysql2, `?` parameters. */
  async function inMysql(isolation: Isolation, body: (db: SqlQueryable) => Promise<void>) {
    const connection = await mysql.createConnection(process.env.MYSQL_URL!);
    try {
      await connection.query(`SET TRANSACTION ISOLATION LEVEL ${isolation}`);
      await connection.query('START TRANSACTION');
      await body(connection);
      await connection.query('COMMIT');
    } catch (error) {
      await connection.query('ROLLBACK');
      throw error;
    } finally {
      await connection.end();
    }
  }

  async function run(command: Command): Promise<object> {
    switch (command.op) {
      case 'acquire':
        lock = await locks.acquire(command.name, { waitTimeout: 30_000 });
        return { token: String(lock.fencingToken) };
      case 'write': {
        // No check of `lock.held` here: a holder that paused between its check and its write
        // is what the fence is for.
        const { driver, isolation, fence, holder } = command;
        if (driver === 'mysql') {
          await inMysql(isolation, async (db) => {
            if (fence) await fenceSql(lock!, db, { dialect: 'mysql' });
            await db.query(WRITE.replace('$1', '?'), [holder]);
          });
          return { committed: true };
        }
        const body = async (db: SqlQueryable) => {
          if (fence) await fenceSql(lock!, db);
          await db.query(WRITE, [holder]);
        };
        if (driver === 'pg') await inPg(isolation, body);
        else await orm!.transaction(isolation, (manager) => body(manager));
        return { committed: true };
      }
      case 'fenceAndWait': {
        const client = await pool.connect();
        await client.query(`BEGIN ISOLATION LEVEL ${command.isolation}`);
        await fenceSql(lock!, client);
        pending = { client, holder: command.holder };
        return { fenced: true };
      }
      case 'commit': {
        const { client, holder } = pending!;
        try {
          await client.query(WRITE, [holder]);
          await client.query('COMMIT');
        } finally {
          client.release();
        }
        return { committed: true };
      }
      case 'contend': {
        const { name, callers, rounds, holdMs = 0 } = command;
        const failed: Record<string, number> = {};
        let done = 0;
        const loop = async () => {
          for (let i = 0; i < rounds; i++) {
            try {
              await locks.withLock(
                name,
                (held) =>
                  inPg('READ COMMITTED', async (db) => {
                    await fenceSql(held, db);
                    const { rows } = (await db.query('SELECT writes FROM seat WHERE id = 1')) as {
                      rows: { writes: number }[];
                    };
                    if (holdMs) await db.query('SELECT pg_sleep($1)', [holdMs / 1000]);
                    const next = rows[0]!.writes + 1;
                    await db.query('UPDATE seat SET writes = $1 WHERE id = 1', [next]);
                    await db.query('INSERT INTO increments (pid) VALUES ($1)', [process.pid]);
                  }),
                { waitTimeout: 60_000 },
              );
              done++;
            } catch (error) {
              if (!(error instanceof StaleLockError || error instanceof LockLostError)) throw error;
              failed[error.name] = (failed[error.name] ?? 0) + 1;
            }
          }
        };
        await Promise.all(Array.from({ length: callers }, loop));
        return { done, failed };
      }
    }
  }

  say({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    say(await run(JSON.parse(line) as Command).catch(fail));
  }
  await orm?.destroy();
  await pool.end();
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
