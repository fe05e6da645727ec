import { performance } from 'node:perf_hooks';
import { type Observable, Subject } from 'rxjs';
import type { HeldLock, LockObserver } from '../lock/lock-backend.interface.js';
import type { CallSite } from '../lock/call-site.js';
import { EtcdLockError } from '../errors/etcd-lock.error.js';
import type { LockLostError } from '../errors/lock-lost.error.js';
import type {
  LockEvent,
  LockEventFields,
  LockEventKind,
} from '../interfaces/lock-event.interface.js';
import { lockEvent } from './lock-event.factory.js';

/** One call to acquire, from its start until it holds the lock or gives up. */
export interface Acquisition {
  readonly key: string;
  /** The `lock.site` of its metrics, if the call named one. */
  readonly metricName?: string;
  readonly startedAt: number;
  queued: boolean;
  /** The `waitingLongerThan` alert, while it may still fire. */
  alarm?: NodeJS.Timeout;
}

/** A held lock as the tracker knows it: since when, and where `acquire()` was called. */
export interface HeldEntry {
  readonly lock: HeldLock;
  /** performance clock */
  readonly since: number;
  readonly site?: CallSite;
  readonly metricName?: string;
  /** The `heldLongerThan` alert, while it may still fire. */
  readonly alarm?: NodeJS.Timeout;
}

/** When to warn; `Infinity` is off. */
export interface AlertThresholds {
  readonly heldLongerThan: number;
  readonly waitingLongerThan: number;
}

const NO_ALERTS: AlertThresholds = { heldLongerThan: Infinity, waitingLongerThan: Infinity };

/** Counts held locks and waiters and turns what happens to them into `LockEvent`s. */
export class LockTracker implements LockObserver {
  private readonly subject = new Subject<LockEvent>();
  readonly events$: Observable<LockEvent> = this.subject.asObservable();
  /** Held locks, when each was acquired and from where. */
  private readonly held = new Map<HeldLock, HeldEntry>();
  private pending = 0;

  constructor(private readonly alerts: AlertThresholds = NO_ALERTS) {}

  get heldCount(): number {
    return this.held.size;
  }

  /** Acquisitions begun and not yet settled. */
  get waiting(): number {
    return this.pending;
  }

  begin(key: string, metricName?: string): Acquisition {
    this.pending++;
    const acquisition: Acquisition = {
      key,
      metricName,
      startedAt: performance.now(),
      queued: false,
    };
    const after = this.alerts.waitingLongerThan;
    acquisition.alarm = this.alarm(after, () =>
      this.emit('lock.waiting-too-long', { key, waitedMs: after }),
    );
    return acquisition;
  }

  queued(acquisition: Acquisition): void {
    acquisition.queued = true;
    this.emit('lock.queued', { key: acquisition.key, metricName: acquisition.metricName });
  }

  acquired(acquisition: Acquisition, lock: HeldLock, site?: HeldEntry['site']): void {
    this.pending--;
    clearTimeout(acquisition.alarm);
    const now = performance.now();
    const after = this.alerts.heldLongerThan;
    const alarm = this.alarm(after, () => {
      const { key, fencingToken } = lock;
      this.emit('lock.held-too-long', { key, fencingToken, heldMs: after });
    });
    const { key, queued, metricName } = acquisition;
    this.held.set(lock, { lock, since: now, site, alarm, metricName });
    const waitedMs = now - acquisition.startedAt;
    this.emitWaited(acquisition, waitedMs, true);
    const { fencingToken } = lock;
    this.emit('lock.acquired', { key, fencingToken, waitedMs, queued, metricName });
  }

  skipped(acquisition: Acquisition): void {
    this.pending--;
    clearTimeout(acquisition.alarm);
    this.emit('lock.skipped', { key: acquisition.key, metricName: acquisition.metricName });
  }

  failed(acquisition: Acquisition, error: unknown): void {
    this.pending--;
    clearTimeout(acquisition.alarm);
    const waitedMs = performance.now() - acquisition.startedAt;
    this.emitWaited(acquisition, waitedMs, false);
    // Everything a backend throws is an EtcdLockError; anything else would be a bug.
    if (error instanceof EtcdLockError) {
      const { key, metricName } = acquisition;
      this.emit('lock.failed', { key, waitedMs, error, metricName });
    }
  }

  /** When `lock` was acquired (performance clock), if it is still held. */
  acquiredAt(lock: HeldLock): number | undefined {
    return this.held.get(lock)?.since;
  }

  /** What is known of a held lock. */
  entry(lock: HeldLock): HeldEntry | undefined {
    return this.held.get(lock);
  }

  /** Every lock held now. */
  heldEntries(): HeldEntry[] {
    return [...this.held.values()];
  }

  released(lock: HeldLock): void {
    const entry = this.untrack(lock);
    if (entry === undefined) return;
    const { key, fencingToken } = lock;
    const { heldMs, metricName } = entry;
    this.emit('lock.released', { key, fencingToken, heldMs, metricName });
  }

  lost(lock: HeldLock, error: LockLostError): void {
    const { heldMs, metricName } = this.untrack(lock) ?? { heldMs: 0 };
    const { key, fencingToken } = lock;
    this.emit('lock.lost', { key, fencingToken, heldMs, error, metricName });
  }

  /** An event of `kind`; also those beside acquisitions, such as a change of leadership. */
  emit<K extends LockEventKind>(kind: K, fields: LockEventFields[K]): void {
    this.subject.next(lockEvent(kind, fields));
  }

  complete(): void {
    this.subject.complete();
  }

  private untrack(lock: HeldLock): { heldMs: number; metricName?: string } | undefined {
    const entry = this.held.get(lock);
    if (entry === undefined) return undefined;
    clearTimeout(entry.alarm);
    this.held.delete(lock);
    return { heldMs: performance.now() - entry.since, metricName: entry.metricName };
  }

  /** A timer that never keeps the process alive; none at all when the alert is off. */
  private alarm(afterMs: number, fire: () => void): NodeJS.Timeout | undefined {
    if (!Number.isFinite(afterMs)) return undefined;
    return setTimeout(fire, afterMs).unref();
  }

  private emitWaited(acquisition: Acquisition, waitedMs: number, acquired: boolean): void {
    if (!acquisition.queued) return;
    const { key, metricName } = acquisition;
    this.emit('lock.waited', { key, waitedMs, acquired, metricName });
  }
}
