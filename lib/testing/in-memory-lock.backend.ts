import type { SessionDiagnostics } from '../interfaces/lock-stats.interface.js';
import { acquireWithin } from '../lock/acquire-within.js';
import { distinctUntilChanged, map, type Observable, startWith, Subject } from 'rxjs';
import type {
  AcquireRequest,
  HeldLock,
  LockBackend,
  QueueHead,
} from '../lock/lock-backend.interface.js';
import { PROCESS_OWNER } from '../lock/process-owner.js';
import { DEFAULT_PREFIX } from '../options/lock-options.defaults.js';
import { InMemoryLock } from './in-memory-lock.js';

/** One queued or holding acquisition, ordered by revision as etcd orders keys. */
interface Entry {
  readonly name: string;
  readonly revision: bigint;
  value: string;
  /** The replica that asked, like the lease a real key is attached to. */
  readonly owner: object;
  lock?: InMemoryLock;
  wake?: (granted: boolean) => void;
}

/**
 * Locks in memory with etcd's semantics: FIFO by revision, names nest like etcd prefixes,
 * fencing tokens strictly increase. Share one instance between apps to play several replicas.
 */
export class InMemoryLockBackend implements LockBackend {
  private readonly entries = new Set<Entry>();
  private revision = 0n;
  /** Ticks on every change of any entry, for `watchHead`. */
  private readonly changes = new Subject<void>();

  constructor(private readonly prefix = DEFAULT_PREFIX) {}

  acquire(request: AcquireRequest): Promise<HeldLock | null> {
    return this.acquireAs(this, request);
  }

  /** A view for one app: closing it loses only the locks that app took, like one replica. */
  replica(): LockBackend {
    const owner = {};
    return {
      acquire: (request) => this.acquireAs(owner, request),
      ping: () => this.ping(),
      head: (name) => this.head(name),
      watchHead: (name) => this.watchHead(name),
      sessions: () => this.sessions(),
      close: async (reason) => void this.loseWhere((e) => e.owner === owner, reason),
    };
  }

  /** Makes the current holder of `key` lose it, as if its lease expired. False if none. */
  loseLock(key: string, reason = 'simulated lease loss'): boolean {
    return this.loseWhere((e) => e.name === key, reason) > 0;
  }

  /** Every held lock is lost, as when the session lease expires. */
  loseAll(reason = 'simulated lease loss'): number {
    return this.loseWhere(() => true, reason);
  }

  /** Names held right now, in acquisition order. */
  heldKeys(): string[] {
    return [...this.entries].filter((e) => e.lock).map((e) => e.name);
  }

  async ping(): Promise<void> {}

  async head(name: string): Promise<QueueHead | undefined> {
    return this.headNow(name);
  }

  watchHead(name: string): Observable<QueueHead | undefined> {
    return this.changes.pipe(
      startWith(undefined),
      map(() => this.headNow(name)),
      distinctUntilChanged((a, b) => a?.token === b?.token && a?.value === b?.value),
    );
  }

  sessions(): SessionDiagnostics[] {
    return [];
  }

  async close(reason: string): Promise<void> {
    this.loseWhere((e) => e.owner === this, reason);
  }

  private loseWhere(match: (entry: Entry) => boolean, reason: string): number {
    const holders = [...this.entries].filter((e) => e.lock && match(e));
    for (const entry of holders) entry.lock!.markLost(reason);
    return holders.length;
  }

  private acquireAs(owner: object, request: AcquireRequest): Promise<HeldLock | null> {
    const { key, timing, mode, signals } = request;
    return acquireWithin(key, timing, mode, signals, (gate) => this.attempt(owner, request, gate));
  }

  private async attempt(
    owner: object,
    request: AcquireRequest,
    gate: AbortSignal,
  ): Promise<HeldLock | null> {
    const value = request.value ?? PROCESS_OWNER;
    const entry: Entry = { name: request.key, revision: ++this.revision, value, owner };
    this.entries.add(entry);
    this.changes.next();
    if (this.blocked(entry)) {
      if (request.mode === 'try') return (this.remove(entry), null);
      request.onQueued?.();
      const granted = await new Promise<boolean>((resolve) => {
        entry.wake = resolve;
        gate.addEventListener('abort', () => resolve(false), { once: true });
      });
      if (!granted) return (this.remove(entry), null);
    }
    const etcdKey = `${this.prefix}${entry.name}/memory_${entry.revision}`;
    entry.lock = new InMemoryLock(entry.name, etcdKey, entry.revision, request.observer, {
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

  /** As in etcd: a waiter on `a` queues behind older keys under `a/`, including `a/b/`. */
  private blocked(entry: Entry): boolean {
    const own = `${entry.name}/`;
    for (const other of this.entries) {
      if (other.revision >= entry.revision) continue;
      if (`${other.name}/`.startsWith(own)) return true;
    }
    return false;
  }

  /** As etcd orders them: the oldest entry named `name` or nested under it. */
  private headNow(name: string): QueueHead | undefined {
    const own = `${name}/`;
    let head: Entry | undefined;
    for (const e of this.entries) {
      if (`${e.name}/`.startsWith(own) && (!head || e.revision < head.revision)) head = e;
    }
    return head && { value: head.value, token: head.revision };
  }

  private remove(entry: Entry): void {
    if (!this.entries.delete(entry)) return;
    this.changes.next();
    for (const waiter of this.entries) {
      if (waiter.wake && !this.blocked(waiter)) {
        const wake = waiter.wake;
        waiter.wake = undefined;
        wake(true);
      }
    }
  }
}
