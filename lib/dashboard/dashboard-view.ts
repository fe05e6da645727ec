import type { LockEntry, LockInfo } from '../interfaces/lock-entry.interface.js';

/** An entry as the page gets it: JSON-safe, and nothing beyond the inspection fields. */
export interface EntryView {
  key: string;
  token: string;
  owner: string | null;
  since: string | null;
  ttlRemaining: number;
  mode: string;
  permits: number;
}

export interface LockView {
  name: string;
  holders: EntryView[];
  waiters: EntryView[];
}

/** Every lock now, longest held first (unknown start times last), and the server's clock. */
export function toView(locks: readonly LockInfo[]): { now: string; locks: LockView[] } {
  const started = (l: LockInfo) => l.holders[0]?.since?.getTime() ?? Number.MAX_SAFE_INTEGER;
  const sorted = [...locks].sort((a, b) => started(a) - started(b));
  return {
    now: new Date().toISOString(),
    locks: sorted.map((l) => ({
      name: l.name,
      holders: l.holders.map(entryView),
      waiters: l.waiters.map(entryView),
    })),
  };
}

function entryView(e: LockEntry): EntryView {
  return {
    key: e.etcdKey,
    token: e.token.toString(),
    owner: e.owner ?? null,
    since: e.since?.toISOString() ?? null,
    ttlRemaining: e.ttlRemaining,
    mode: e.mode,
    permits: e.permits,
  };
}
