import type { Etcd3 } from 'etcd3';
import type { SessionDiagnostics } from '../interfaces/lock-stats.interface.js';
import type { AcquireRequest, HeldLock, LockBackend } from '../lock/lock-backend.interface.js';
import { LockAcquirer } from './etcd-lock.acquirer.js';
import { SessionPool } from './session-pool.js';

/** Locks in etcd: one lease per TTL, Go `concurrency.Mutex` key layout. */
export class EtcdLockBackend implements LockBackend {
  private readonly pool: SessionPool;
  private readonly acquirer: LockAcquirer;

  constructor(
    private readonly client: Etcd3,
    prefix: string,
    /** False for a client the user passed in: the module never closes it. */
    private readonly ownsClient: boolean,
  ) {
    this.pool = new SessionPool(client);
    this.acquirer = new LockAcquirer(client, this.pool, prefix);
  }

  acquire(request: AcquireRequest): Promise<HeldLock | null> {
    return this.acquirer.acquire(request);
  }

  async ping(): Promise<void> {
    await this.client.maintenance.status();
  }

  sessions(): SessionDiagnostics[] {
    return this.pool.diagnostics();
  }

  async close(reason: string): Promise<void> {
    await this.acquirer.settle();
    await this.pool.closeAll(reason);
    if (this.ownsClient) this.client.close();
  }
}
