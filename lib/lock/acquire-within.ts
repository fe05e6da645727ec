import { performance } from 'node:perf_hooks';
import { LockTimeoutError } from '../errors/lock-timeout.error.js';
import type { ResolvedTimingOptions } from '../interfaces/lock-options.interface.js';
import { addAbortHandler, removeAbortHandler } from './abort-signals.js';
import { AttemptGate } from './attempt-gate.js';
import type { AcquireMode, HeldLock } from './lock-backend.interface.js';
import { ShutdownSignal } from './shutdown.js';

type Attempt = (gate: AttemptGate) => Promise<HeldLock | null>;

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
  attempt: Attempt,
): Promise<HeldLock | null> {
  const early = signals.find((s) => s.aborted);
  if (early) return Promise.reject(stoppedBy(key, 0, early));
  return new Promise((resolve, reject) => {
    new WaitingAttempt(key, resolve, reject).start(timing, mode, signals, attempt);
  });
}

/**
 * One attempt and its deadline, as one object with methods rather than a scope of closures:
 * every waiter has one for as long as it waits, and 10,000 waiters are a normal burst.
 */
class WaitingAttempt {
  private readonly startedAt = performance.now();
  private readonly gate = new AttemptGate();
  private inner: Promise<HeldLock | null> | undefined;
  private settled = false;
  private timer: NodeJS.Timeout | undefined;
  private signals: readonly AbortSignal[] = [];

  constructor(
    readonly key: string,
    private readonly resolve: (lock: HeldLock | null) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  start(
    timing: ResolvedTimingOptions,
    mode: AcquireMode,
    signals: readonly AbortSignal[],
    attempt: Attempt,
  ): void {
    const inner = (this.inner = attempt(this.gate));
    this.signals = signals;
    for (const signal of signals) addAbortHandler(signal, this);
    if (mode === 'wait' && Number.isFinite(timing.waitTimeout))
      this.timer = setTimeout(timedOut, timing.waitTimeout, this);
    inner.then(
      (lock) => this.settled || (this.settle(), this.resolve(lock)),
      (error: unknown) => this.settled || (this.settle(), this.reject(error)),
    );
  }

  waited(): number {
    return performance.now() - this.startedAt;
  }

  /** One of the caller's signals aborted: the first one to, since settling detaches. */
  handleEvent(): void {
    const signal = this.signals.find((s) => s.aborted);
    if (signal) this.giveUp(stoppedBy(this.key, this.waited(), signal));
  }

  giveUp(error: LockTimeoutError): void {
    if (this.settled) return;
    this.settle();
    this.gate.abort(error);
    this.reject(error);
    // The attempt may still win after we gave up: hand such a lock straight back.
    this.inner!.then(
      (lock) => lock?.release(),
      () => undefined,
    );
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    for (const signal of this.signals) removeAbortHandler(signal, this);
  }
}

/** A module function, not a closure per attempt. */
const timedOut = (attempt: WaitingAttempt): void =>
  attempt.giveUp(
    new LockTimeoutError({ key: attempt.key, waitedMs: attempt.waited(), kind: 'timeout' }),
  );

function stoppedBy(key: string, waitedMs: number, signal: AbortSignal): LockTimeoutError {
  const kind = signal.reason instanceof ShutdownSignal ? 'shutdown' : 'aborted';
  return new LockTimeoutError({ key, waitedMs, kind, cause: signal.reason });
}
