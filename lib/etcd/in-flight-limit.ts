/**
 * At most `limit` calls of one kind in flight; the rest wait their turn, in order. A burst of
 * thousands of enqueues at once (every request of a busy route waiting on one name) otherwise
 * sits in one gRPC channel ahead of the lease renewals, and the session loses its lease.
 */
export class InFlightLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

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
