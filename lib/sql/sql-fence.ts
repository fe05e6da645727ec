import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { StaleLockError } from '../errors/stale-lock.error.js';
import type { Lock } from '../interfaces/lock.interface.js';
import { fenceStatements, type SqlDialect } from './fence-dialects.js';

/**
 * Anything that runs one SQL statement with parameters: a node-postgres `Client` or
 * `PoolClient`, a `mysql2/promise` connection, a TypeORM `EntityManager` or `QueryRunner`. Use
 * the one that runs your transaction: the fence must be part of it.
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
  /** `'mysql'` for MySQL and MariaDB (`?` parameters). @default 'postgres' */
  dialect?: SqlDialect;
}

const DEFAULT_TABLE = 'lock_fences';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** Which fence table, on which database. */
export type SqlFenceTableOptions = Pick<SqlFenceOptions, 'table' | 'dialect'>;

/** The statement that creates the fence table, for a migration. */
export function fenceTableSql(options: SqlFenceTableOptions = {}): string {
  return statementsOf(options).createTable;
}

/** Creates the fence table if it is missing. */
export async function ensureFenceTable(
  db: SqlQueryable,
  options: SqlFenceTableOptions = {},
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
  const sql = statementsOf(options);
  const name = options.name ?? lock.key;
  const token = lock.fencingToken;
  const stored = sql.stored(rowsOf(await db.query(sql.upsert, [name, token.toString()])));
  if (stored) return;
  // Not stored, or not known: read the row (under the row lock the upsert took) and compare.
  const [row] = rowsOf(await db.query(sql.select, [name]));
  const held = BigInt(String((row as { token?: unknown } | undefined)?.token ?? token));
  if (held > token) throw new StaleLockError({ key: name, token, newer: held });
}

function statementsOf({ table = DEFAULT_TABLE, dialect = 'postgres' }: SqlFenceTableOptions) {
  if (dialect !== 'postgres' && dialect !== 'mysql') {
    const problem = `expected 'postgres' or 'mysql', got ${JSON.stringify(dialect)}`;
    throw new InvalidLockArgumentError({ argument: 'fence dialect', problem });
  }
  if (typeof table === 'string' && IDENTIFIER.test(table)) return fenceStatements(dialect, table);
  const problem = `expected a table name such as "lock_fences" or "app.lock_fences", got ${JSON.stringify(table)}`;
  throw new InvalidLockArgumentError({ argument: 'fence table', problem });
}

/**
 * The rows of a result, as each driver returns them: node-postgres `{ rows }`, mysql2
 * `[rows, fields]`, TypeORM an array of rows (or `[rows, affected]` for some writes).
 */
function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) {
    const [first, second] = result as unknown[];
    const pair =
      result.length === 2 &&
      Array.isArray(first) &&
      (typeof second === 'number' || Array.isArray(second) || second === undefined);
    return pair ? first : result;
  }
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? rows : [];
}
