import { EtcdLockError } from './etcd-lock.error.js';
import { SHUTTING_DOWN } from './shutting-down.message.js';

/**
 * Why a caller did not get a lock someone else held:
 * - `'timeout'`: it waited `waitTimeout` in line;
 * - `'aborted'`: the caller's `signal` aborted;
 * - `'shutdown'`: the application began shutting down while it waited;
 * - `'busy'`: it did not wait at all (`tryAcquire`, `onLocked: 'throw'`, `waitTimeout: 0`).
 */
export type LockTimeoutKind = 'timeout' | 'aborted' | 'shutdown' | 'busy';

const WHY: Record<LockTimeoutKind, string> = {
  timeout: 'waitTimeout elapsed',
  aborted: 'aborted by signal',
  shutdown: SHUTTING_DOWN,
  busy: 'held by another owner, and not waiting',
};

/** What `LockTimeoutError` is built from. */
export interface LockTimeoutErrorOptions {
  /** The lock name. */
  key: string;
  /** How long the call waited, in ms. */
  waitedMs: number;
  /** Timed out, aborted, shutting down, or busy. */
  kind: LockTimeoutKind;
  /** What the caller could change, appended to the message. */
  hint?: string;
  /** The abort reason, or what the wait ended on. */
  cause?: unknown;
}

/** The lock was held by someone else for longer than the caller was willing to wait. */
export class LockTimeoutError extends EtcdLockError {
  /** The lock name. */
  readonly key: string;
  /** How long the call waited, in ms. */
  readonly waitedMs: number;
  /** Timed out, aborted, shutting down, or busy. */
  readonly kind: LockTimeoutKind;

  constructor({ key, waitedMs, kind, hint, cause }: LockTimeoutErrorOptions) {
    const more = hint ? `. ${hint}` : '';
    super(
      `Lock "${key}" was not acquired within ${Math.round(waitedMs)} ms (${WHY[kind]})${more}`,
      cause === undefined ? undefined : { cause },
    );
    this.key = key;
    this.waitedMs = waitedMs;
    this.kind = kind;
  }
}
