import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { StaleLockError } from '../errors/stale-lock.error.js';
import type { Lock } from '../interfaces/lock.interface.js';

/**
 * Anything that runs one SQL statement with `$1`-style parameters: a node-postgres `Client` or
 * `PoolClient`, a TypeORM `EntityManager` or `QueryRunner` on PostgreSQL. Use the one that runs
 * your transaction: the fence must be part of it.
 */
export interface SqlQueryable {
  /** Runs `text` with `values` bound to `$1`, `$2`, ...; resolves with the driver's result. */
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Where the fence is kept. */
export interface SqlFenceOptions {
  /** The fence table, optionally schema-qualified. @default 'lock_fences' */
  table?: string;
  /** The fence's row: by default the lock's name (`lock.key`). */
  name?: string;
}

const DEFAULT_TABLE = 'lock_fences';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** The statement that creates the fence table (PostgreSQL), for a migration. */
export function fenceTableSql(options: Pick<SqlFenceOptions, 'table'> = {}): string {
  const table = tableOf(options);
  return `CREATE TABLE IF NOT EXISTS ${table} (name text PRIMARY KEY, token bigint NOT NULL)`;
}

/** Creates the fence table if it is missing. */
export async function ensureFenceTable(
  db: SqlQueryable,
  options: Pick<SqlFenceOptions, 'table'> = {},
): Promise<void> {
  await db.query(fenceTableSql(options));
}

/**
 * Fences the database for `lock`: the first statement of the holder's own transaction, before
 * any read its writes depend on. It stores the lock's token in the fence row unless a newer
 * one is there, and throws `StaleLockError` if one is, so the transaction rolls back. The row
 * lock it takes orders the holders' transactions: once a newer holder has fenced, no older one
 * can commit a write after it, and the newer one reads everything committed before its fence.
 */
export async function fenceSql(
  lock: Lock,
  db: SqlQueryable,
  options: SqlFenceOptions = {},
): Promise<void> {
  if (lock.mode === 'read' || lock.permits > 1) {
    const problem =
      'a read lock or semaphore has several holders at once, each with its own token: the ' +
      'newest would fence the others out. Fence writes under a plain (write) lock.';
    throw new InvalidLockArgumentError({ argument: 'fenceSql lock', problem });
  }
  const table = tableOf(options);
  const name = options.name ?? lock.key;
  const token = lock.fencingToken;
  const written = rowsOf(
    await db.query(
      `INSERT INTO ${table} (name, token) VALUES ($1, $2) ` +
        `ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token ` +
        `WHERE ${table}.token <= EXCLUDED.token RETURNING token`,
      [name, token.toString()],
    ),
  );
  if (written.length > 0) return;
  // Not written: a newer token holds the row. Read it (under the row lock ours now waits on
  // no longer) to say which.
  const [row] = rowsOf(await db.query(`SELECT token FROM ${table} WHERE name = $1`, [name]));
  const newer = BigInt(String((row as { token?: unknown } | undefined)?.token ?? token));
  throw new StaleLockError({ key: name, token, newer });
}

function tableOf({ table = DEFAULT_TABLE }: Pick<SqlFenceOptions, 'table'>): string {
  if (typeof table === 'string' && IDENTIFIER.test(table)) return table;
  const problem = `expected a table name such as "lock_fences" or "app.lock_fences", got ${JSON.stringify(table)}`;
  throw new InvalidLockArgumentError({ argument: 'fence table', problem });
}

/**
 * The rows of a result, as each driver returns them: node-postgres `{ rows }`, TypeORM an array
 * of rows (or `[rows, affected]` for a write statement in some versions).
 */
function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) {
    const pair = result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
    return pair ? (result[0] as unknown[]) : result;
  }
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? rows : [];
}
