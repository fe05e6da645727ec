import type { BatchCounts } from '../../interfaces/lock-stats.interface.js';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { isTransientEtcdError } from '../cluster/etcd-failure.diagnosis.js';
import { type BatchedAnswer, BatchItem, type BatchedTxn, TxnBatch } from './txn-batch.js';

/**
 * Batches in flight at once, and the size at which a batch goes without waiting for the one in
 * flight. Measured here at 64 and 256 callers against 1 in flight, 3 and 4, and 24 or full:
 * two overlap the client's work with etcd's, and more only cost CPU per request.
 */
const MAX_IN_FLIGHT = 2;
const GOES_AT = 32;

/**
 * Group commit: while a transaction is in flight, the callers that come meanwhile wait and then
 * go together, as one transaction. Waiting for the batch in flight is the only delay, with no
 * timer, so a lone caller's request goes at once and as it is. A batch is sent when nothing is
 * in flight, or while one is when it is full (or large) and shares no queue with it; batches go in
 * the order they were opened, and a caller never joins a batch ahead of one holding an earlier
 * caller of a queue it nests with, so each queue's entries keep their arrival order.
 *
 * Each caller gets its own outcome. A batch that fails in transit fails each of its callers
 * with that error, and each settles its own doubt. One that etcd refuses (a lease gone, a
 * permission, too many ops) is sent again one caller at a time, so a neighbour's error is
 * never yours.
 */
export class GroupCommit {
  private readonly open: TxnBatch[] = [];
  private readonly inFlight = new Set<TxnBatch>();
  readonly counts: BatchCounts = { requests: 0, entries: 0, largest: 0 };

  constructor(
    private readonly members: EtcdMembers,
    /** etcd's `--max-txn-ops`; 1 sends every caller alone. */
    private maxTxnOps: number,
  ) {}

  /** Whether callers may share a request. */
  get batching(): boolean {
    return this.maxTxnOps > 1;
  }

  send(txn: BatchedTxn, queues: readonly string[] = []): Promise<BatchedAnswer> {
    const item = new BatchItem(txn, queues);
    if (this.maxTxnOps <= 1) {
      void this.sendAlone(item);
      return item.answer;
    }
    this.place(item);
    this.flush();
    return item.answer;
  }

  /** Into the first open batch with room after the last one it conflicts with, or a new one. */
  private place(item: BatchItem): void {
    let from = 0;
    for (let i = this.open.length - 1; i >= 0; i--) {
      if (this.open[i]!.conflictsWith(item)) {
        from = i + 1;
        break;
      }
    }
    for (let i = from; i < this.open.length; i++) {
      const batch = this.open[i]!;
      if (batch.hasRoomFor(item)) return batch.add(item);
      batch.full = true;
    }
    const batch = new TxnBatch(this.maxTxnOps);
    batch.add(item);
    this.open.push(batch);
  }

  private flush(): void {
    for (let next = this.open[0]; next; next = this.open[0]) {
      const idle = this.inFlight.size === 0;
      const goNow =
        (next.full || next.items.length >= GOES_AT) &&
        this.inFlight.size < MAX_IN_FLIGHT &&
        ![...this.inFlight].some((b) => b.overlaps(next));
      if (!idle && !goNow) return;
      this.open.shift();
      void this.dispatch(next);
    }
  }

  private async dispatch(batch: TxnBatch): Promise<void> {
    this.inFlight.add(batch);
    try {
      if (batch.items.length === 1) await this.sendAlone(batch.items[0]!);
      else await this.sendTogether(batch);
    } finally {
      this.inFlight.delete(batch);
      this.flush();
    }
  }

  private async sendTogether(batch: TxnBatch): Promise<void> {
    const request = batch.request();
    this.count(batch.items.length);
    try {
      batch.settle(await this.members.run((client) => client.kv.txn(request)));
    } catch (error) {
      if (isTransientEtcdError(error)) {
        for (const item of batch.items) item.reject(error);
        return;
      }
      if (/too many operations/.test(String(error))) {
        // The server's --max-txn-ops is below ours: take half of what it refused.
        this.maxTxnOps = Math.max(1, Math.floor(request.success.length / 2));
      }
      await Promise.all(batch.items.map((item) => this.sendAlone(item)));
    }
  }

  private async sendAlone(item: BatchItem): Promise<void> {
    this.count(1);
    try {
      item.settleAlone(await this.members.run((client) => item.sendWith(client)));
    } catch (error) {
      item.reject(error);
    }
  }

  private count(entries: number): void {
    this.counts.requests++;
    this.counts.entries += entries;
    this.counts.largest = Math.max(this.counts.largest, entries);
  }
}
