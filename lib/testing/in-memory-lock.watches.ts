import { distinctUntilChanged, map, type Observable, startWith, throttleTime } from 'rxjs';
import type { EntryScope, QueueHead, StoredEntry } from '../lock/lock-backend.interface.js';
import { type Entry, headOf, storedEntries } from './in-memory-lock.queue.js';

/** The oldest entry of `name` after every change, told only when it changes. */
export function watchHeadOf(
  changes: Observable<void>,
  entries: ReadonlySet<Entry>,
  name: string,
): Observable<QueueHead | undefined> {
  return changes.pipe(
    startWith(undefined),
    map(() => headOf(entries, name)),
    distinctUntilChanged((a, b) => a?.token === b?.token && a?.value === b?.value),
  );
}

/** The entries in `scope` after every change, at most once per `minGapMs` (and the last). */
export function watchStoredEntries(
  changes: Observable<void>,
  entries: ReadonlySet<Entry>,
  prefix: string,
  scope: EntryScope,
  minGapMs: number,
): Observable<StoredEntry[]> {
  const paced = { leading: true, trailing: true };
  const ticks = minGapMs > 0 ? changes.pipe(throttleTime(minGapMs, undefined, paced)) : changes;
  return ticks.pipe(
    startWith(undefined),
    map(() => storedEntries(entries, prefix, scope)),
  );
}
