import type { JobStatus } from '../interfaces/job-run.interface.js';
import type { LockEntry, LockInfo } from '../interfaces/lock-entry.interface.js';
import { printable } from '../options/printable-text.js';

/** Stable JSON: tokens as strings (a bigint does not fit JSON), dates as ISO strings. */
export function toJson(value: LockInfo | LockInfo[] | JobStatus): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v === undefined ? null : v,
  );
}

/** `1.2 s`, `3 m 05 s`, `2 h 10 m`: how long since `since`. */
export function heldFor(since: Date | undefined, now = Date.now()): string {
  if (!since) return '-';
  const s = Math.max(0, (now - since.getTime()) / 1000);
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

const who = (e: LockEntry) => e.owner ?? '(other client)';

/**
 * One row per lock: name, holder, token, age (since the holder queued, which for a lock taken
 * at once is since it was acquired), TTL left, waiters.
 */
export function lockTable(locks: readonly LockInfo[], now = Date.now()): string {
  const rows = locks.map(({ name, holders, waiters }) => {
    const first = holders[0];
    const more = holders.length > 1 ? ` (+${holders.length - 1})` : '';
    return [
      name,
      first ? `${who(first)}${more}` : '-',
      first ? String(first.token) : '-',
      first ? heldFor(first.since, now) : '-',
      first ? `${first.ttlRemaining} s` : '-',
      String(waiters.length),
    ];
  });
  return table(['NAME', 'HOLDER', 'TOKEN', 'AGE', 'TTL LEFT', 'WAITERS'], rows);
}

/** Every entry of one lock, holders first, then waiters in queue order. */
export function entryTable(info: LockInfo, now = Date.now()): string {
  const row = (role: string) => (e: LockEntry) => [
    role,
    who(e),
    String(e.token),
    heldFor(e.since, now),
    `${e.ttlRemaining} s`,
    e.permits > 1 ? `semaphore/${e.permits}` : e.mode,
    e.etcdKey,
  ];
  const rows = [...info.holders.map(row('holder')), ...info.waiters.map(row('waiter'))];
  return table(['ROLE', 'OWNER', 'TOKEN', 'AGE', 'TTL LEFT', 'MODE', 'KEY'], rows);
}

/** One row per `@OncePerTick` job: its last run, next tick, and ticks nobody ran. */
export function jobTable(jobs: readonly JobStatus[]): string {
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : '-');
  const rows = jobs.map((job) => [
    job.name,
    iso(job.lastTick),
    job.runs[0]?.outcome ?? '-',
    iso(job.nextTick),
    String(job.overdue + job.runs.filter((r) => r.outcome === 'missed').length),
  ]);
  return table(['JOB', 'LAST TICK', 'OUTCOME', 'NEXT TICK', 'MISSED'], rows);
}

/** A job's schedule and overdue ticks, then one row per recorded run, newest first. */
export function runTable(job: JobStatus): string {
  const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());
  const zone = job.timeZone ? ` (${job.timeZone})` : '';
  const overdue = job.overdue ? `; ${job.overdue} tick(s) overdue: no replica ran them` : '';
  const head = `job "${job.name}": ${job.cron}${zone}; next tick ${iso(job.nextTick)}${overdue}`;
  const rows = job.runs.map((r) => [
    iso(r.tick),
    r.outcome,
    r.replica ?? '-',
    r.durationMs === undefined ? '-' : `${(r.durationMs / 1000).toFixed(1)} s`,
    r.error ?? '',
  ]);
  return `${printable(head)}\n${table(['TICK', 'OUTCOME', 'REPLICA', 'DURATION', 'ERROR'], rows)}`;
}

/** Cells are escaped before they are measured: they can hold what other clients wrote. */
function table(header: string[], raw: string[][]): string {
  const rows = raw.map((row) => row.map(printable));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
