import type { SessionDiagnostics } from '../interfaces/lock-stats.interface.js';
import { acquireWithin } from '../lock/acquire-within.js';
import type { AttemptGate } from '../lock/attempt-gate.js';
import { type Observable, Subject } from 'rxjs';
// The backend contract, named as such: this store is its second implementation.
import type * as Contract from '../lock/lock-backend.interface.js';
import { lockEntryValue } from '../lock/process-owner.js';
import { DEFAULT_PREFIX } from '../options/lock-options.defaults.js';
import { InMemoryLock } from './in-memory-lock.js';
import { InMemoryRecords } from './in-memory-records.js';
import { watchHeadOf, watchStoredEntries } from './in-memory-lock.watches.js';
import { joinLockNames } from '../lock/lock-shape.js';
import {
  type Entry,
  headOf,
  isBlocked,
  memoryKey,
  refuseMismatch,
  storedEntries,
} from './in-memory-lock.queue.js';

/**
 * Locks in memory with etcd's semantics: FIFO by revision, names nest like etcd prefixes,
 * fencing tokens strictly increase. The backend contract in full; users hold it through
 * `InMemoryLockBackend`, which shows only what tests need.
 */
export class InMemoryLockStore implements Contract.LockBackend {
  private readonly entries = new Set<Entry>();
  private revision = 0n;
  /** Ticks on every change of any entry, for `watchHead`. */
  private readonly changes = new Subject<void>();

  /** Shared by every replica, as etcd's keys are. */
  private readonly records = new InMemoryRecords();
  readonly readRecord = (name: string) => this.records.readRecord(name);
  readonly writeRecord = (name: string, value: string, version: bigint) =>
    this.records.writeRecord(name, value, version);
  readonly listRecords = (under: string) => this.records.listRecords(under);

  constructor(private readonly prefix = DEFAULT_PREFIX) {}

  acquire(request: Contract.AcquireRequest): Promise<Contract.HeldLock | null> {
    return this.acquireAs(this, request);
  }

  /** A view for one app: closing it loses only the locks that app took, like one replica. */
  replica(): Contract.LockBackend {
    const owner = {};
    return {
      acquire: (request) => this.acquireAs(owner, request),
      ping: () => this.ping(),
      serverWarnings: () => this.serverWarnings(),
      head: (name) => this.head(name),
      watchHead: (name) => this.watchHead(name),
      listEntries: (scope) => this.listEntries(scope),
      watchEntries: (scope, minGapMs) => this.watchEntries(scope, minGapMs),
      forceRemove: (entries, reason) => this.forceRemove(entries, reason),
      sessions: () => this.sessions(),
      readRecord: this.readRecord,
      writeRecord: this.writeRecord,
      listRecords: this.listRecords,
      close: async (reason, running) => void this.closeAs(owner, reason, running),
    };
  }

  /**
   * Makes the current holder of `key` lose it, as if its lease expired; `key` is one of its
   * names, or `lock.key` of a lock on several. False if none.
   */
  loseLock(key: string, reason = 'simulated lease loss'): boolean {
    const named = (e: Entry) => e.names.includes(key) || joinLockNames(e.names) === key;
    return this.loseWhere(named, reason) > 0;
  }

  /** Every held lock is lost, as when the session lease expires. */
  loseAll(reason = 'simulated lease loss'): number {
    return this.loseWhere(() => true, reason);
  }

  /** Names held right now, in acquisition order. */
  heldKeys(): string[] {
    return [...this.entries].filter((e) => e.lock).flatMap((e) => e.names);
  }

  async ping(): Promise<void> {}

  async serverWarnings(): Promise<string[]> {
    return [];
  }

  async head(name: string): Promise<Contract.QueueHead | undefined> {
    return headOf(this.entries, name);
  }

  watchHead(name: string): Observable<Contract.QueueHead | undefined> {
    return watchHeadOf(this.changes, this.entries, name);
  }

  async listEntries(scope: Contract.EntryScope): Promise<Contract.StoredEntry[]> {
    return storedEntries(this.entries, this.prefix, scope);
  }

  watchEntries(scope: Contract.EntryScope, minGapMs = 0): Observable<Contract.StoredEntry[]> {
    return watchStoredEntries(this.changes, this.entries, this.prefix, scope, minGapMs);
  }

  /** As in etcd: the holder is told the reason; a waiter's entry just goes. */
  async forceRemove(
    entries: readonly Contract.StoredEntry[],
    reason: string,
  ): Promise<Contract.StoredEntry[]> {
    return entries.filter((stored) => {
      const entry = [...this.entries].find(
        (e) => e.revision === stored.token && e.names.includes(stored.name),
      );
      if (!entry) return false;
      if (entry.lock) {
        entry.lock.markLost(`released by an operator: ${reason}`);
      } else {
        this.remove(entry);
        entry.wake?.(false);
      }
      return true;
    });
  }

  sessions(): SessionDiagnostics[] {
    return [];
  }

  async close(reason: string, running?: readonly Contract.HeldLock[]): Promise<void> {
    this.closeAs(this, reason, running);
  }

  /** Like a lease left to run out: a running lock is told, and its entry stays until released. */
  private closeAs(owner: object, reason: string, running: readonly Contract.HeldLock[] = []): void {
    const keep = new Set(running);
    for (const { lock } of this.entries) if (lock && keep.has(lock)) lock.keepEntryUntilRelease();
    this.loseWhere((e) => e.owner === owner, reason);
  }

  private loseWhere(match: (entry: Entry) => boolean, reason: string): number {
    const holders = [...this.entries].filter((e) => e.lock && match(e));
    for (const entry of holders) entry.lock!.markLost(reason);
    return holders.length;
  }

  private acquireAs(
    owner: object,
    request: Contract.AcquireRequest,
  ): Promise<Contract.HeldLock | null> {
    const { key, timing, mode, signals } = request;
    return acquireWithin(key, timing, mode, signals, (gate) => this.attempt(owner, request, gate));
  }

  private async attempt(
    owner: object,
    request: Contract.AcquireRequest,
    gate: AttemptGate,
  ): Promise<Contract.HeldLock | null> {
    const value = request.value ?? lockEntryValue();
    const { keys: names, shape, timing } = request;
    refuseMismatch(this.entries, names, shape);
    const revision = ++this.revision;
    const entry: Entry = { names, shape, revision, ttl: timing.ttl, value, owner };
    this.entries.add(entry);
    this.changes.next();
    if (isBlocked(this.entries, entry)) {
      if (request.mode === 'try') return (this.remove(entry), null);
      request.onQueued?.();
      const granted = await new Promise<boolean>((resolve) => {
        entry.wake = resolve;
        gate.signal.addEventListener('abort', () => resolve(false), { once: true });
      });
      if (!granted) return (this.remove(entry), null);
    }
    const etcdKey = memoryKey(this.prefix, names[0]!, entry);
    entry.lock = new InMemoryLock(request, etcdKey, entry.revision, request.observer, {
      remove: () => this.remove(entry),
      setValue: (next) => {
        if (!this.entries.has(entry)) return false;
        entry.value = next;
        this.changes.next();
        return true;
      },
    });
    return entry.lock;
  }

  private remove(entry: Entry): void {
    if (!this.entries.delete(entry)) return;
    this.changes.next();
    for (const waiter of this.entries) {
      if (waiter.wake && !isBlocked(this.entries, waiter)) {
        const wake = waiter.wake;
        waiter.wake = undefined;
        wake(true);
      }
    }
  }
}
