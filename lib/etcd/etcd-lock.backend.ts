import type { Etcd3 } from 'etcd3';
import type {
  ResolvedConnection,
  ResolvedLockSettings,
} from '../interfaces/etcd-lock-module-options.interface.js';
import type { BatchCounts, SessionDiagnostics } from '../interfaces/lock-stats.interface.js';
import { type Observable, Subject } from 'rxjs';
import type {
  AcquireRequest,
  EntryScope,
  HeldLock,
  LateRenewal,
  LockBackend,
  QueueHead,
  StoredEntry,
} from '../lock/lock-backend.interface.js';
import { LockAcquirer } from './acquire/etcd-lock.acquirer.js';
import type { EtcdLock } from './acquire/etcd-lock.js';
import { described } from './cluster/etcd-failure.diagnosis.js';
import { createEtcdMembers } from './cluster/etcd-client.factory.js';
import { EtcdMembers } from './cluster/etcd-members.js';
import { leaseRevokeBugIn, nestedTxnAuthBugIn } from './cluster/etcd-version.check.js';
import { HeldKeyWatch } from './watch/held-key.watch.js';
import { PrefixDeletes } from './watch/prefix-deletes.watch.js';
import { readOnEveryChange, readQueueHead, watchQueueHead } from './queue/queue-head.js';
import { forceRemove, listEntries, scopeRange } from './queue/queue-listing.js';
import { SessionPool } from './session/session-pool.js';
import type { StoredRecord } from '../lock/record-store.interface.js';
import { EtcdRecords } from './records/etcd-records.js';
import { GroupCommit } from './batch/group-commit.js';

export { createEtcdClient } from './cluster/etcd-client.factory.js';

/** How often the current member is asked whether it still answers, while the module runs. */
const HEARTBEAT_MS = 500;

/**
 * The etcd backend for the module's parsed options: the one way into `etcd/` from outside.
 * `client` is the pooled client for users' fenced writes.
 */
export function createEtcdLockBackend(
  settings: ResolvedLockSettings,
  connection: ResolvedConnection,
  client: Etcd3,
): EtcdLockBackend {
  const given = connection.client;
  // A client the user passed in is used as it is: its own pool picks the member.
  const members = given
    ? new EtcdMembers([{ host: 'the given client', client: given }])
    : createEtcdMembers(connection);
  return new EtcdLockBackend(members, client, {
    prefix: settings.prefix,
    answerTimeout: connection.callTimeout,
    ownsClients: !given,
    maxTxnOps: connection.groupCommit ? connection.maxTxnOps : 1,
    checksPermissions: Boolean(connection.auth ?? connection.credentials?.certChain ?? given),
  });
}

/** How the backend talks to etcd, from the module's parsed options. */
export interface EtcdBackendSettings {
  prefix: string;
  /** How long one request to a member may go unanswered before the next member is tried. */
  answerTimeout: number;
  /** False for a client the user passed in: the module never closes it. */
  ownsClients: boolean;
  /** The most ops of one transaction, for group commit; 1 sends every request alone. */
  maxTxnOps: number;
  /** Whether etcd may check our requests' permissions: a user, a client certificate, or unknown. */
  checksPermissions: boolean;
}

/** Locks in etcd: one lease per TTL, Go `concurrency.Mutex` key layout. */
export class EtcdLockBackend implements LockBackend {
  private readonly pool: SessionPool;
  private readonly acquirer: LockAcquirer;
  private readonly heldKeys: HeldKeyWatch;
  private readonly deletes: PrefixDeletes;

  private readonly prefix: string;
  private readonly ownsClients: boolean;
  private readonly writes: GroupCommit;
  private readonly records: EtcdRecords;
  private readonly checksPermissions: boolean;
  private readonly late = new Subject<LateRenewal>();
  readonly lateRenewals$: Observable<LateRenewal> = this.late.asObservable();

  constructor(
    private readonly members: EtcdMembers,
    /** The pooled client users' fenced writes (`lock.ifHeld()`) go through. */
    private readonly client: Etcd3,
    { prefix, answerTimeout, ownsClients, maxTxnOps, checksPermissions }: EtcdBackendSettings,
  ) {
    this.checksPermissions = checksPermissions;
    this.prefix = prefix;
    this.ownsClients = ownsClients;
    this.pool = new SessionPool(members, answerTimeout, (late) => this.late.next(late));
    this.deletes = new PrefixDeletes(members, prefix);
    this.heldKeys = new HeldKeyWatch(members, this.deletes);
    this.writes = new GroupCommit(members, maxTxnOps);
    this.records = new EtcdRecords(members, prefix);
    this.acquirer = new LockAcquirer(
      { members, writes: this.writes },
      this.pool,
      prefix,
      this.deletes,
      {
        heldKeys: this.heldKeys,
        client,
      },
    );
    members.startHeartbeat(HEARTBEAT_MS);
  }

  acquire(request: AcquireRequest): Promise<HeldLock | null> {
    return this.acquirer.acquire(request);
  }

  readRecord(name: string): Promise<StoredRecord> {
    return this.records.readRecord(name);
  }

  writeRecord(name: string, value: string, version: bigint): Promise<boolean> {
    return this.records.writeRecord(name, value, version);
  }

  listRecords(under: string): Promise<{ name: string; value: string }[]> {
    return this.records.listRecords(under);
  }

  /**
   * What every lock needs, in one request: a reachable member with a leader, valid credentials,
   * and the right to read and write under the prefix. etcd checks the permissions of every
   * operation in a transaction, and the compare never holds, so nothing is written.
   */
  async ping(): Promise<void> {
    const probe = this.prefix;
    await described(
      this.members.run((client) =>
        client.if(probe, 'Mod', '<', 0).then(client.put(probe).value('')).commit(),
      ),
    );
  }

  async serverWarnings(): Promise<string[]> {
    const { version } = await this.members.run((client) => client.maintenance.status());
    const nested = this.writes.batching && this.checksPermissions;
    const bugs = [leaseRevokeBugIn(version), nested ? nestedTxnAuthBugIn(version) : undefined];
    return bugs.filter((bug) => bug !== undefined);
  }

  head(name: string): Promise<QueueHead | undefined> {
    return readQueueHead(this.members, `${this.prefix}${name}/`);
  }

  watchHead(name: string): Observable<QueueHead | undefined> {
    return watchQueueHead(this.members, `${this.prefix}${name}/`);
  }

  listEntries(scope: EntryScope): Promise<StoredEntry[]> {
    return described(listEntries(this.members, this.prefix, scope));
  }

  watchEntries(scope: EntryScope, minGapMs: number): Observable<StoredEntry[]> {
    const range = scopeRange(this.prefix, scope);
    const read = () => listEntries(this.members, this.prefix, scope);
    return readOnEveryChange(this.members, range, read, minGapMs);
  }

  forceRemove(entries: readonly StoredEntry[], reason: string): Promise<StoredEntry[]> {
    return described(forceRemove(this.members, entries, reason));
  }

  sessions(): SessionDiagnostics[] {
    return this.pool.diagnostics();
  }

  batches(): BatchCounts {
    return { ...this.writes.counts };
  }

  async close(reason: string, running: readonly HeldLock[] = []): Promise<void> {
    await this.acquirer.close();
    const abandon = new Set(running.map((lock) => (lock as EtcdLock).session));
    await this.pool.closeAll(reason, abandon);
    this.heldKeys.close();
    this.deletes.close();
    this.members.close(this.ownsClients);
    if (this.ownsClients) this.client.close();
    this.late.complete();
  }
}
