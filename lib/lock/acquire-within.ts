import { performance } from 'node:perf_hooks';
import { LockTimeoutError } from '../errors/lock-timeout.error.js';
import type { ResolvedTimingOptions } from '../interfaces/lock-options.interface.js';
import { onFirstAbort } from './abort-signals.js';
import { AttemptGate } from './attempt-gate.js';
import type { AcquireMode, HeldLock } from './lock-backend.interface.js';
import { ShutdownSignal } from './shutdown.js';

/**
 * Runs one backend attempt under `waitTimeout` and the caller's signals, the same way for
 * every backend. The attempt gets a gate of its own that aborts when the caller stops waiting.
 * One promise settles on whichever comes first, the attempt or the caller giving up: the hot
 * path of every acquisition, so no extra promise or listener per call.
 */
export function acquireWithin(
  key: string,
  timing: ResolvedTimingOptions,
  mode: AcquireMode,
  signals: readonly AbortSignal[],
  attempt: (gate: AttemptGate) => Promise<HeldLock | null>,
): Promise<HeldLock | null> {
  const startedAt = performance.now();
  const waited = () => performance.now() - startedAt;
  const stopped = (signal: AbortSignal) =>
    new LockTimeoutError(key, waited(), abortKind(signal), { cause: signal.reason });
  const early = signals.find((s) => s.aborted);
  if (early) return Promise.reject(stopped(early));
  const gate = new AttemptGate();
  const inner = attempt(gate);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      detach();
    };
    const giveUp = (error: LockTimeoutError) => {
      if (settled) return;
      settle();
      gate.abort(error);
      reject(error);
      // The attempt may still win after we gave up: hand such a lock straight back.
      inner.then(
        (lock) => lock?.release(),
        () => undefined,
      );
    };
    const detach = onFirstAbort(signals, (signal) => giveUp(stopped(signal)));
    const timer =
      mode === 'wait' && Number.isFinite(timing.waitTimeout)
        ? setTimeout(
            () => giveUp(new LockTimeoutError(key, waited(), 'timeout')),
            timing.waitTimeout,
          )
        : undefined;
    inner.then(
      (lock) => settled || (settle(), resolve(lock)),
      (error: unknown) => settled || (settle(), reject(error)),
    );
  });
}

function abortKind(signal: AbortSignal): 'shutdown' | 'aborted' {
  return signal.reason instanceof ShutdownSignal ? 'shutdown' : 'aborted';
}
