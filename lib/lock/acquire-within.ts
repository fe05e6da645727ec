import { performance } from 'node:perf_hooks';
import { LockTimeoutError } from '../errors/lock-timeout.error.js';
import type { ResolvedTimingOptions } from '../interfaces/lock-options.interface.js';
import { onFirstAbort } from './abort-signals.js';
import type { AcquireMode, HeldLock } from './lock-backend.interface.js';
import { ShutdownSignal } from './shutdown.js';

/**
 * Runs one backend attempt under `waitTimeout` and the caller's signals, the same way for
 * every backend. The attempt gets a signal that aborts when the caller stops waiting.
 */
export async function acquireWithin(
  key: string,
  timing: ResolvedTimingOptions,
  mode: AcquireMode,
  signals: readonly AbortSignal[],
  attempt: (gate: AbortSignal) => Promise<HeldLock | null>,
): Promise<HeldLock | null> {
  const startedAt = performance.now();
  const waited = () => performance.now() - startedAt;
  const aborted = (signal: AbortSignal) =>
    new LockTimeoutError(key, waited(), abortKind(signal), { cause: signal.reason });
  const early = signals.find((s) => s.aborted);
  if (early) throw aborted(early);
  const gate = new AbortController();
  const detach = onFirstAbort(signals, (signal) => gate.abort(aborted(signal)));
  const timer =
    mode === 'wait' && Number.isFinite(timing.waitTimeout)
      ? setTimeout(
          () => gate.abort(new LockTimeoutError(key, waited(), 'timeout')),
          timing.waitTimeout,
        )
      : undefined;
  const inner = attempt(gate.signal);
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
    detach();
  }
}

function abortKind(signal: AbortSignal): 'shutdown' | 'aborted' {
  return signal.reason instanceof ShutdownSignal ? 'shutdown' : 'aborted';
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
