import type { SessionDiagnostics } from '../backend/lock-backend.interface.js';

/** A snapshot of this process's locks, as `LockService.stats()` returns it. */
export interface LockStats {
  /** Locks held now (reentrant acquisitions not counted twice). */
  held: number;
  /** Callers waiting in line or still enqueueing. */
  waiting: number;
  /** One per lease TTL in use. */
  sessions: SessionDiagnostics[];
}
