import type { LockLostError } from '../errors/lock-lost.error.js';
import type { ResolvedTimingOptions } from '../interfaces/lock-options.interface.js';
import type { Lock } from '../lock/lock.interface.js';

export type AcquireMode = 'wait' | 'try';

/** A lock as a backend hands it out: the service also needs to know whether it was lost. */
export interface HeldLock extends Lock {
  lostError(): LockLostError | undefined;
}

/** Told what happens to a lock after it was handed out. Must not throw. */
export interface LockObserver {
  released(lock: HeldLock): void;
  lost(lock: HeldLock, error: LockLostError): void;
}

export interface AcquireRequest {
  key: string;
  timing: ResolvedTimingOptions;
  mode: AcquireMode;
  /** The caller stops waiting when any of them aborts (its own signal, shutdown). */
  signals: readonly AbortSignal[];
  observer: LockObserver;
  /** Called once if the caller has to queue behind another holder. */
  onQueued?: () => void;
}

/** One lease as this process sees it. */
export interface SessionDiagnostics {
  ttl: number;
  leaseId: string;
  /** Milliseconds until the lease expires unless renewed, by this process's monotonic clock. */
  remainingMs: number;
}

/** Where locks live: etcd in production, memory in users' unit tests. Same semantics. */
export interface LockBackend {
  acquire(request: AcquireRequest): Promise<HeldLock | null>;
  /** Resolves if the store answers a request; rejects with its error otherwise. */
  ping(): Promise<void>;
  sessions(): SessionDiagnostics[];
  /** Lets every lock go at once (revoking leases) and frees resources. */
  close(reason: string): Promise<void>;
}
