import type { SessionDiagnostics } from '../../interfaces/lock-stats.interface.js';
import { SHUTTING_DOWN } from '../../errors/shutting-down.message.js';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { type LateRenewalListener, LockSession } from './lock-session.js';

/** Opens at most one live session per TTL; a lost session is replaced on next use. */
export class SessionPool {
  private readonly sessions = new Map<number, Promise<LockSession>>();
  /** Sessions whose grant succeeded, for diagnostics without awaiting. */
  private readonly open = new Map<number, LockSession>();
  private closing = false;

  constructor(
    private readonly members: EtcdMembers,
    /** How long one lease renewal waits for its answer (`callTimeout`). */
    private readonly answerTimeout: number,
    private readonly onLate: LateRenewalListener,
  ) {}

  /** The open session for `ttl` if it is alive: most acquisitions need no await to get it. */
  live(ttl: number): LockSession | undefined {
    const session = this.open.get(ttl);
    return !this.closing && session?.alive ? session : undefined;
  }

  async get(ttl: number): Promise<LockSession> {
    if (this.closing) throw new Error(SHUTTING_DOWN);
    const existing = this.sessions.get(ttl);
    if (existing) {
      const session = await existing.catch(() => undefined);
      if (session?.alive) return session;
      this.forget(ttl, existing);
      return this.get(ttl);
    }
    const opening = LockSession.open(this.members, ttl, this.answerTimeout, this.onLate);
    this.sessions.set(ttl, opening);
    opening.then(
      (session) => {
        this.open.set(ttl, session);
        session.signal.addEventListener('abort', () => this.forget(ttl, opening), { once: true });
      },
      () => this.forget(ttl, opening),
    );
    return opening;
  }

  diagnostics(): SessionDiagnostics[] {
    return [...this.open.values()]
      .filter((s) => s.alive)
      .map((s) => ({ ttl: s.ttl, leaseId: s.leaseId, remainingMs: Math.round(s.remainingMs) }));
  }

  /** Revokes every session's lease, except those in `abandon`, which are left to run out. */
  async closeAll(reason: string, abandon: ReadonlySet<LockSession>): Promise<void> {
    this.closing = true;
    this.open.clear();
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    const end = (session: LockSession) =>
      abandon.has(session) ? session.abandon(reason) : session.close(reason);
    await Promise.all(sessions.map((s) => s.then(end, () => undefined)));
  }

  private forget(ttl: number, entry: Promise<LockSession>): void {
    if (this.sessions.get(ttl) !== entry) return;
    this.sessions.delete(ttl);
    this.open.delete(ttl);
  }
}
