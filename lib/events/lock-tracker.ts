import { performance } from 'node:perf_hooks';
import { type Observable, Subject } from 'rxjs';
import type { HeldLock, LockObserver } from '../lock/lock-backend.interface.js';
import { EtcdLockError } from '../errors/etcd-lock.error.js';
import type { LockLostError } from '../errors/lock-lost.error.js';
import type { LockEvent } from '../interfaces/lock-event.interface.js';

/** One call to acquire, from its start until it holds the lock or gives up. */
export interface Acquisition {
  readonly key: string;
  readonly startedAt: number;
  queued: boolean;
}

/** Counts held locks and waiters and turns what happens to them into `LockEvent`s. */
export class LockTracker implements LockObserver {
  private readonly subject = new Subject<LockEvent>();
  readonly events$: Observable<LockEvent> = this.subject.asObservable();
  /** Held locks and when each was acquired. */
  private readonly held = new Map<HeldLock, number>();
  private idle: (() => void) | undefined;
  private pending = 0;

  get heldCount(): number {
    return this.held.size;
  }

  /** Acquisitions begun and not yet settled. */
  get waiting(): number {
    return this.pending;
  }

  begin(key: string): Acquisition {
    this.pending++;
    return { key, startedAt: performance.now(), queued: false };
  }

  queued(acquisition: Acquisition): void {
    acquisition.queued = true;
    this.subject.next({ type: 'queued', key: acquisition.key });
  }

  acquired(acquisition: Acquisition, lock: HeldLock): void {
    this.pending--;
    const now = performance.now();
    this.held.set(lock, now);
    const waitedMs = now - acquisition.startedAt;
    this.emitWaited(acquisition, waitedMs, true);
    const { key, queued } = acquisition;
    this.subject.next({ type: 'acquired', key, fencingToken: lock.fencingToken, waitedMs, queued });
  }

  skipped(acquisition: Acquisition): void {
    this.pending--;
    this.subject.next({ type: 'skipped', key: acquisition.key });
  }

  failed(acquisition: Acquisition, error: unknown): void {
    this.pending--;
    const waitedMs = performance.now() - acquisition.startedAt;
    this.emitWaited(acquisition, waitedMs, false);
    // Everything a backend throws is an EtcdLockError; anything else would be a bug.
    if (error instanceof EtcdLockError) {
      this.subject.next({ type: 'failed', key: acquisition.key, waitedMs, error });
    }
  }

  /** When `lock` was acquired (performance clock), if it is still held. */
  acquiredAt(lock: HeldLock): number | undefined {
    return this.held.get(lock);
  }

  released(lock: HeldLock): void {
    const heldMs = this.untrack(lock);
    if (heldMs === undefined) return;
    const { key, fencingToken } = lock;
    this.subject.next({ type: 'released', key, fencingToken, heldMs });
  }

  lost(lock: HeldLock, error: LockLostError): void {
    const heldMs = this.untrack(lock) ?? 0;
    const { key, fencingToken } = lock;
    this.subject.next({ type: 'lost', key, fencingToken, heldMs, error });
  }

  /** Resolves when no lock is held any more, or after `timeoutMs`, whichever is first. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.held.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const empty = new Promise<boolean>((resolve) => (this.idle = () => resolve(true)));
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
    try {
      return await Promise.race([empty, late]);
    } finally {
      clearTimeout(timer);
      this.idle = undefined;
    }
  }

  complete(): void {
    this.subject.complete();
  }

  private untrack(lock: HeldLock): number | undefined {
    const since = this.held.get(lock);
    if (since === undefined) return undefined;
    this.held.delete(lock);
    if (this.held.size === 0) this.idle?.();
    return performance.now() - since;
  }

  private emitWaited(acquisition: Acquisition, waitedMs: number, acquired: boolean): void {
    if (!acquisition.queued) return;
    this.subject.next({ type: 'waited', key: acquisition.key, waitedMs, acquired });
  }
}
