import { performance } from 'node:perf_hooks';
import type { Etcd3 } from 'etcd3';
import { LockAcquireError } from '../errors/lock-acquire.error.js';
import { LockTimeoutError } from '../errors/lock-timeout.error.js';
import type { ResolvedTimingOptions } from '../interfaces/lock-options.interface.js';
import { EtcdMutex, SessionExpiredError } from '../mutex/etcd-mutex.js';
import { WatchAnchor } from '../mutex/watch-anchor.js';
import { isTransientEtcdError, withTransientRetry } from '../retry/transient-retry.js';
import type { SessionPool } from '../session/session-pool.js';
import { EtcdLock } from './etcd-lock.js';

export type AcquireMode = 'wait' | 'try';

/** Runs one acquisition: session, enqueue, wait in line, and cleanup of every failed path. */
export class LockAcquirer {
  private readonly cleanups = new Set<Promise<void>>();
  private readonly anchor: WatchAnchor;

  constructor(
    private readonly client: Etcd3,
    private readonly sessions: SessionPool,
    private readonly prefix: string,
  ) {
    this.anchor = new WatchAnchor(client, `${prefix}\0watch-anchor`);
  }

  async acquire(
    key: string,
    timing: ResolvedTimingOptions,
    mode: AcquireMode,
    signal?: AbortSignal,
  ): Promise<EtcdLock | null> {
    const startedAt = performance.now();
    const waited = () => performance.now() - startedAt;
    if (signal?.aborted) {
      throw new LockTimeoutError(key, 0, { reason: 'aborted by signal', cause: signal.reason });
    }
    const gate = new AbortController();
    const onAbort = () =>
      gate.abort(
        new LockTimeoutError(key, waited(), { reason: 'aborted by signal', cause: signal?.reason }),
      );
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      mode === 'wait' && Number.isFinite(timing.waitTimeout)
        ? setTimeout(() => gate.abort(new LockTimeoutError(key, waited())), timing.waitTimeout)
        : undefined;
    const inner = this.attempt(key, timing, mode, gate.signal);
    try {
      return await raceAbort(inner, gate.signal);
    } catch (error) {
      // The attempt may still win after we gave up: hand such a lock straight back.
      inner.then(
        (lock) => lock?.release(),
        () => undefined,
      );
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Resolves once every background key removal has finished, and drops the watch stream. */
  async settle(): Promise<void> {
    await Promise.all([...this.cleanups]);
    await this.anchor.close();
  }

  /** Guarded delete of our own key; if etcd stays unreachable, drop the lease so it cannot linger. */
  private readonly removeKey = async (
    mutex: EtcdMutex,
    timing: ResolvedTimingOptions,
  ): Promise<void> => {
    try {
      await withTransientRetry(mutex.ownKey, timing, () => mutex.remove());
    } catch (error) {
      mutex.session.expire('could not delete a lock key; dropping the lease instead', error);
    }
  };

  private async attempt(
    key: string,
    timing: ResolvedTimingOptions,
    mode: AcquireMode,
    signal: AbortSignal,
  ): Promise<EtcdLock | null> {
    const retry = <T>(step: () => Promise<T>) => withTransientRetry(key, timing, step, signal);
    for (let restarts = 0; ; restarts++) {
      const session = await retry(() => this.sessions.get(timing.ttl));
      const mutex = new EtcdMutex(this.client, `${this.prefix}${key}/`, session);
      // True while the last enqueue failed in transit: etcd may still apply it after we gave up.
      let enqueueInDoubt = false;
      try {
        const atHead = await retry(() =>
          mutex.enqueue().then(
            (head) => ((enqueueInDoubt = false), head),
            (error: unknown) => {
              enqueueInDoubt = isTransientEtcdError(error);
              throw error;
            },
          ),
        );
        if (!atHead && mode === 'try') {
          // Removed before answering, so a caller who retries at once does not queue behind it.
          await this.removeKey(mutex, timing);
          return null;
        }
        if (!atHead) {
          await this.anchor.ensure();
          await mutex.waitForTurn(AbortSignal.any([signal, session.signal]), retry);
        }
        if (!session.alive) throw new SessionExpiredError('session lease expired while acquiring');
        return new EtcdLock(key, mutex, (m) => this.removeKey(m, timing));
      } catch (error) {
        if (enqueueInDoubt) {
          // A delete now could land before a late put; revoking the lease removes that key too.
          session.expire('an enqueue of unknown outcome: dropping the lease', error);
          throw error;
        }
        this.removeInBackground(mutex, timing);
        const expired =
          error instanceof SessionExpiredError || (session.signal.aborted && !signal.aborted);
        if (!expired) throw error;
        if (restarts >= timing.retries) {
          throw new LockAcquireError(key, restarts + 1, {
            reason: 'the session lease kept expiring',
            cause: error,
          });
        }
      }
    }
  }

  private removeInBackground(mutex: EtcdMutex, timing: ResolvedTimingOptions): void {
    const cleanup = this.removeKey(mutex, timing).finally(() => this.cleanups.delete(cleanup));
    this.cleanups.add(cleanup);
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error) => (signal.removeEventListener('abort', onAbort), reject(error)),
    );
  });
}
