import { LockAcquireError } from '../../errors/lock-acquire.error.js';
import type { ResolvedTimingOptions } from '../../interfaces/lock-options.interface.js';
import { acquireWithin } from '../../lock/acquire-within.js';
import type { AttemptGate } from '../../lock/attempt-gate.js';
import type { AcquireRequest } from '../../lock/lock-backend.interface.js';
import { classifyAcquireFailure } from './acquire-failure.js';
import { EtcdLock, type EtcdLockContext } from './etcd-lock.js';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { EtcdEntry, type EntryRequests } from '../queue/etcd-entry.js';
import { settleByRead } from './in-doubt-enqueue.js';
import { InFlightLimit, InFlightLimitPerName } from './in-flight-limit.js';
import type { PrefixDeletes } from '../watch/prefix-deletes.watch.js';
import { QueueLayout } from '../queue/queue-layout.js';
import { waitForTurn } from '../wait/queue-turn.js';
import { SessionExpiredError } from '../session/session-expired.error.js';
import type { SessionPool } from '../session/session-pool.js';
import { isTransientEtcdError } from '../cluster/etcd-failure.diagnosis.js';
import { withTransientRetry } from './transient-retry.js';
import { WatchAnchor } from '../watch/watch-anchor.js';

/** Runs one acquisition: session, enqueue, wait in line, and cleanup of every failed path. */
export class LockAcquirer {
  private readonly cleanups = new Set<Promise<void>>();
  /**
   * Enqueues in flight at once: a burst beyond this waits here, not in the gRPC channel. With
   * group commit they wait in the batches instead, and at most a few batches are in flight.
   */
  private readonly enqueues: InFlightLimit;
  private readonly enqueuesPerName = new InFlightLimitPerName(4);
  private closed = false;
  private readonly anchor: WatchAnchor;
  private readonly context: EtcdLockContext;
  private readonly members: EtcdMembers;

  constructor(
    private readonly requests: EntryRequests,
    private readonly sessions: SessionPool,
    private readonly prefix: string,
    private readonly deletes: PrefixDeletes,
    shared: Omit<EtcdLockContext, 'removeKey'>,
  ) {
    this.members = requests.members;
    this.enqueues = new InFlightLimit(requests.writes.batching ? 512 : 64);
    this.anchor = new WatchAnchor(`${prefix}\0watch-anchor`);
    this.context = { ...shared, removeKey: (entry, timing) => this.removeKey(entry, timing) };
  }

  acquire(request: AcquireRequest): Promise<EtcdLock | null> {
    const { key, timing, mode, signals } = request;
    return acquireWithin(key, timing, mode, signals, (gate) =>
      this.attempt(request, gate),
    ) as Promise<EtcdLock | null>;
  }

  /**
   * Resolves once every background key removal has finished, including removals that start
   * meanwhile (waiters aborted by shutdown clean up after it began).
   */
  async settle(): Promise<void> {
    while (this.cleanups.size > 0) await Promise.all([...this.cleanups]);
  }

  /**
   * Called before the sessions close: their keys go with their leases (revoked, or left to run
   * out under work that still runs), so later removals are skipped. A removal racing the
   * close would reach the clients as they close and open a connection that keeps the process
   * alive. Waits for those already running, and drops the watch stream.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.settle();
    this.anchor.close();
  }

  /**
   * Guarded delete of our own key; if etcd stays unreachable, drop the lease so it cannot linger.
   * After close the key went with its lease, or is left to run out under work that still ran.
   */
  private readonly removeKey = async (
    entry: EtcdEntry,
    timing: ResolvedTimingOptions,
  ): Promise<void> => {
    if (this.closed) return;
    try {
      await withTransientRetry(entry.slots[0]!.ownKey, timing, () => entry.remove());
    } catch (error) {
      entry.session.expire('could not delete a lock key; dropping the lease instead', error);
    }
  };

  private async attempt(request: AcquireRequest, gate: AttemptGate): Promise<EtcdLock | null> {
    const { key, timing, mode } = request;
    const retry = <T>(step: () => Promise<T>) => withTransientRetry(key, timing, step, gate);
    for (let restarts = 0; ; restarts++) {
      const session =
        this.sessions.live(timing.ttl) ?? (await retry(() => this.sessions.get(timing.ttl)));
      const entry = new EtcdEntry(this.requests, this.layoutsOf(request), session, request.value);
      // True while the last enqueue failed in transit: etcd may still apply it after we gave up.
      let enqueueInDoubt = false;
      let sendsInDoubt = 0;
      this.deletes.ensure();
      try {
        const atHead = await retry(() =>
          this.enqueuesPerName
            .run(key, () => this.enqueues.run(() => entry.enqueue()))
            .then(
              (head) => ((enqueueInDoubt = false), head),
              (error: unknown) => {
                enqueueInDoubt = isTransientEtcdError(error);
                if (enqueueInDoubt) sendsInDoubt++;
                throw error;
              },
            ),
        );
        if (!atHead && mode === 'try') {
          // Removed before answering, so a caller who retries at once does not queue behind it.
          await this.removeKey(entry, timing);
          return null;
        }
        if (!atHead) {
          request.onQueued?.();
          this.anchor.ensure(this.members.current());
          const turn = gate.waitInLine(session.signal);
          try {
            await waitForTurn(this.members, this.deletes, entry, turn, retry);
          } finally {
            turn.end();
          }
        }
        if (!session.alive) throw new SessionExpiredError('session lease expired while acquiring');
        this.assertKeysKnownAlive(entry);
        return new EtcdLock(request, entry, this.context);
      } catch (error) {
        const sessionLost = session.signal.aborted;
        const failure = { error, enqueueInDoubt, sessionLost, callerStopped: gate.aborted };
        const action = classifyAcquireFailure({ ...failure, restarts, retries: timing.retries });
        if (action === 'drop-lease') {
          // An in-doubt enqueue should cost only itself, not every lock on the lease.
          if (sendsInDoubt === 1 && (await settleByRead(this.members, entry))) throw error;
          session.expire('an enqueue of unknown outcome: dropping the lease', error);
          throw error;
        }
        this.removeInBackground(entry, timing);
        if (action === 'throw') throw error;
        if (action === 'give-up') {
          throw new LockAcquireError({
            key,
            attempts: restarts + 1,
            reason: 'the session lease kept expiring',
            cause: error,
          });
        }
      }
    }
  }

  /**
   * The last check before a lock is handed out: a delete of one of our keys that the prefix
   * watch already delivered (an operator, a revoked lease) would make the lock lost on arrival,
   * so the acquisition starts over instead. The waits and the enqueue vouch for the rest.
   */
  private assertKeysKnownAlive(entry: EtcdEntry): void {
    const token = entry.fencingToken;
    if (entry.slots.some((s) => this.deletes.latestOf(s.ownKey, token))) {
      throw new SessionExpiredError('own queue key was deleted before the lock was handed out');
    }
  }

  /**
   * One queue per name. Not an inline closure in `attempt`: the held lock's `remove` closure
   * keeps that scope alive, and with it everything a closure there captured (the request).
   */
  private layoutsOf({ keys, shape }: AcquireRequest): QueueLayout[] {
    return keys.map((name) => new QueueLayout(this.prefix, name, shape));
  }

  private removeInBackground(entry: EtcdEntry, timing: ResolvedTimingOptions): void {
    if (this.closed) return;
    const cleanup = this.removeKey(entry, timing).finally(() => this.cleanups.delete(cleanup));
    this.cleanups.add(cleanup);
  }
}
