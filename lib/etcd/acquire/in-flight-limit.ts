/**
 * At most `limit` calls of one kind in flight; the rest wait their turn, in order. A burst of
 * thousands of enqueues at once (every request of a busy route waiting on one name) otherwise
 * sits in one gRPC channel ahead of the lease renewals, and the session loses its lease.
 */
export class InFlightLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Nothing runs or waits. */
  get idle(): boolean {
    return this.running === 0;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((go) => this.waiting.push(go));
    else this.running++;
    try {
      return await call();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * At most `limit` calls per name in flight. An enqueue reads the nearest and the oldest entries
 * of its queue sorted by revision, which etcd does by reading the whole queue: with 10,000
 * waiters on one name, 64 such writes at once held etcd's apply loop for seconds, and lease
 * renewals (which wait for it in etcd 3.4) ran past the TTL. A few per name bound that backlog
 * and cost nothing across names.
 */
export class InFlightLimitPerName {
  private readonly limits = new Map<string, InFlightLimit>();

  constructor(private readonly limit: number) {}

  async run<T>(name: string, call: () => Promise<T>): Promise<T> {
    let limit = this.limits.get(name);
    if (!limit) this.limits.set(name, (limit = new InFlightLimit(this.limit)));
    try {
      return await limit.run(call);
    } finally {
      if (limit.idle && this.limits.get(name) === limit) this.limits.delete(name);
    }
  }
}
