/** The SQL databases `fenceSql` speaks to. */
export type SqlDialect = 'postgres' | 'mysql';

/** One database's fence statements, for a table name already checked. */
export interface FenceStatements {
  createTable: string;
  /** Stores the token unless the row holds a newer one; parameters: name, token. */
  upsert: string;
  /** True if the upsert's result says it stored this holder's token. */
  stored(rows: unknown[]): boolean | undefined;
  /** Reads the row's token under a row lock; parameter: name. */
  select: string;
}

/**
 * PostgreSQL: the conditional upsert returns the row only if it wrote it. MySQL and MariaDB
 * have no conditional `ON DUPLICATE KEY`: keep the larger token, then read it back with a
 * locking read (a plain read at REPEATABLE READ could see an older snapshot) and compare.
 */
export function fenceStatements(dialect: SqlDialect, table: string): FenceStatements {
  if (dialect === 'mysql') {
    return {
      createTable: `CREATE TABLE IF NOT EXISTS ${table} (name varbinary(1024) PRIMARY KEY, token bigint NOT NULL)`,
      upsert:
        `INSERT INTO ${table} (name, token) VALUES (?, ?) ` +
        `ON DUPLICATE KEY UPDATE token = GREATEST(token, VALUES(token))`,
      stored: () => undefined,
      select: `SELECT token FROM ${table} WHERE name = ? FOR UPDATE`,
    };
  }
  return {
    createTable: `CREATE TABLE IF NOT EXISTS ${table} (name text PRIMARY KEY, token bigint NOT NULL)`,
    upsert:
      `INSERT INTO ${table} (name, token) VALUES ($1, $2) ` +
      `ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token ` +
      `WHERE ${table}.token <= EXCLUDED.token RETURNING token`,
    stored: (rows) => rows.length > 0,
    select: `SELECT token FROM ${table} WHERE name = $1`,
  };
}
