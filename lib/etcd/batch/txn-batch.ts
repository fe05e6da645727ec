import type { Etcd3, ICompare, IRequestOp, IResponseOp, ITxnResponse } from 'etcd3';

/** One caller's transaction, as it would be sent alone. */
export interface BatchedTxn {
  compare?: ICompare[];
  success: IRequestOp[];
  failure?: IRequestOp[];
}

/** What one caller's transaction did: its own branch and replies, and the batch's revision. */
export interface BatchedAnswer {
  succeeded: boolean;
  responses: IResponseOp[];
  revision: bigint;
}

/** One caller waiting for its transaction to be sent, alone or in a batch. */
export class BatchItem {
  /** Ops it adds to the outer transaction: one nested Txn, or its plain writes as they are. */
  readonly outerOps: number;
  /** etcd's count for a Txn: the longest of compare, success and failure. */
  readonly innerOps: number;
  resolve!: (answer: BatchedAnswer) => void;
  reject!: (error: unknown) => void;
  readonly answer = new Promise<BatchedAnswer>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });

  constructor(
    readonly txn: BatchedTxn,
    /** The queues it reads and writes (`<prefix><name>/`): no two in one batch may nest. */
    readonly queues: readonly string[],
  ) {
    const { compare = [], success, failure = [] } = txn;
    this.innerOps = Math.max(compare.length, success.length, failure.length);
    this.outerOps = this.nested ? 1 : success.length;
  }

  /** Plain writes with no compare go in the outer transaction; anything else is nested. */
  get nested(): boolean {
    return (this.txn.compare?.length ?? 0) > 0 || (this.txn.failure?.length ?? 0) > 0;
  }

  /**
   * Sends it alone. A lone delete goes as a plain `DeleteRange`, etcd's cheapest write: what a
   * release cost before group commit, and what the handoff to the next waiter waits for.
   */
  async sendWith(client: Etcd3): Promise<ITxnResponse> {
    const [only, ...others] = this.txn.success;
    if (this.nested || others.length > 0 || !only?.request_delete_range) {
      return client.kv.txn(this.txn);
    }
    const res = await client.kv.deleteRange(only.request_delete_range);
    const responses = [{ response_delete_range: res } as IResponseOp];
    return { header: res.header, succeeded: true, responses };
  }

  /** Its answer when sent alone. */
  settleAlone(res: ITxnResponse): void {
    const { succeeded, responses } = res;
    this.resolve({ succeeded, responses, revision: BigInt(res.header.revision) });
  }
}

/**
 * Callers' transactions sent as one: each keeps its own compare and branches as a nested Txn
 * (etcd 3.3 and later), and all are applied at one revision. etcd evaluates every compare
 * before applying anything, and a read later in the batch sees the writes earlier in it, so
 * entries of queues that nest (`a/` and `a/b/`) never share a batch: one would see the other
 * at its own revision. etcd counts ops per level (`--max-txn-ops`): the outer Txn's ops, and
 * each nested Txn against what the outer one left of the limit.
 */
export class TxnBatch {
  readonly items: BatchItem[] = [];
  /** An item was turned away for want of room: it should go without waiting for company. */
  full = false;
  private outerOps = 0;
  private innerOps = 0;
  private readonly queues = new Set<string>();
  /** Every proper prefix ending in `/` of each queue: what a nested queue would conflict with. */
  private readonly parents = new Set<string>();

  constructor(private readonly maxTxnOps: number) {}

  /** Whether `item` fits under the limit, counted as etcd counts it. */
  hasRoomFor(item: BatchItem): boolean {
    const outer = this.outerOps + item.outerOps;
    return outer + Math.max(this.innerOps, item.nested ? item.innerOps : 0) <= this.maxTxnOps;
  }

  /** Whether `item` touches a queue that nests with one already here. */
  conflictsWith(item: BatchItem): boolean {
    return item.queues.some(
      (q) =>
        this.parents.has(q) || parentsOf(q).some((p) => this.queues.has(p)) || this.queues.has(q),
    );
  }

  add(item: BatchItem): void {
    this.items.push(item);
    this.outerOps += item.outerOps;
    if (item.nested) this.innerOps = Math.max(this.innerOps, item.innerOps);
    for (const q of item.queues) {
      this.queues.add(q);
      for (const p of parentsOf(q)) this.parents.add(p);
    }
  }

  /** Whether any item of `other` conflicts with this batch. */
  overlaps(other: TxnBatch): boolean {
    return other.items.some((item) => this.conflictsWith(item));
  }

  /** The one outer transaction: nested Txns, and plain writes inline, in arrival order. */
  request(): BatchedTxn {
    return {
      success: this.items.flatMap((item) =>
        item.nested ? [{ request_txn: item.txn }] : item.txn.success,
      ),
    };
  }

  /** Hands each item its own part of the outer answer. */
  settle(res: ITxnResponse): void {
    const revision = BigInt(res.header.revision);
    let at = 0;
    for (const item of this.items) {
      if (item.nested) {
        const { succeeded, responses } = res.responses[at++]!.response_txn;
        item.resolve({ succeeded, responses, revision });
      } else {
        const responses = res.responses.slice(at, (at += item.outerOps));
        item.resolve({ succeeded: true, responses, revision });
      }
    }
  }
}

/** `a/b/c/` → `a/`, `a/b/`: the queues a key under `a/b/c/` also belongs to. */
function parentsOf(queue: string): string[] {
  const parents: string[] = [];
  for (let i = queue.indexOf('/'); i >= 0 && i < queue.length - 1; i = queue.indexOf('/', i + 1)) {
    parents.push(queue.slice(0, i + 1));
  }
  return parents;
}
