import {
  type Etcd3,
  EtcdLeaseInvalidError,
  GRPCDeadlineExceededError,
  type IDeleteRangeRequest,
  type IRequestOp,
  type ITxnRequest,
  type ITxnResponse,
} from 'etcd3';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../../lib/etcd/batch/group-commit.js';
import type { BatchedTxn } from '../../../../lib/etcd/batch/txn-batch.js';
import { EtcdMembers } from '../../../../lib/etcd/cluster/etcd-members.js';

/** One request the stand-in etcd received; the test answers it, or fails it. */
interface Sent {
  request: ITxnRequest;
  /** Sent as a plain DeleteRange rather than a transaction. */
  plain?: boolean;
  answer: (res: ITxnResponse) => void;
  fail: (error: unknown) => void;
}

/** A one-member cluster whose `kv.txn` waits for the test to answer each request. */
function standInEtcd(maxTxnOps = 128) {
  const sent: Sent[] = [];
  const client = {
    kv: {
      txn: (request: ITxnRequest) =>
        new Promise<ITxnResponse>((answer, fail) => sent.push({ request, answer, fail })),
      // A lone delete: recorded as the one-op transaction it stands for.
      deleteRange: (request: IDeleteRangeRequest) =>
        new Promise<ITxnResponse>((answer, fail) =>
          sent.push({
            request: { success: [{ request_delete_range: request }] },
            answer,
            fail,
            plain: true,
          }),
        ).then((res) => res.responses[0]!.response_delete_range),
    },
    close: () => undefined,
  } as unknown as Etcd3;
  const commit = new GroupCommit(new EtcdMembers([{ host: 'a', client }]), maxTxnOps);
  return { commit, sent };
}

const put = (key: string): IRequestOp => ({ request_put: { key: Buffer.from(key) } });
const del = (key: string): IRequestOp => ({ request_delete_range: { key: Buffer.from(key) } });

/** An enqueue-like transaction: a compare, then a put (or a read when the compare fails). */
function enqueueOf(key: string): BatchedTxn {
  const buffer = Buffer.from(key);
  return {
    compare: [{ key: buffer, target: 'Create', result: 'Equal', create_revision: '0' }],
    success: [put(key)],
    failure: [{ request_range: { key: buffer } }],
  } as unknown as BatchedTxn;
}

const header = (revision: number) => ({ revision: String(revision) }) as ITxnResponse['header'];
const reply = (responses: unknown[], revision = 7, succeeded = true) =>
  ({ header: header(revision), succeeded, responses }) as unknown as ITxnResponse;
const nested = (succeeded: boolean, tag: string) => ({
  response_txn: { succeeded, responses: [{ tag }] },
});
/** Lets the batch in flight finish its turn: its callers resume, the next batch goes. */
const tick = () => new Promise((resolve) => setImmediate(resolve));
const settled = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe('group commit of etcd transactions', () => {
  it('sends a lone caller at once, as its own transaction', async () => {
    const { commit, sent } = standInEtcd();
    const txn = enqueueOf('q/a/1');
    const answer = commit.send(txn, ['q/a/']);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.request).toBe(txn);
    sent[0]!.answer(reply([{ tag: 'own' }], 5, false));
    await expect(answer).resolves.toEqual({
      succeeded: false,
      responses: [{ tag: 'own' }],
      revision: 5n,
    });
  });

  it('sends the callers who came while one was in flight together, each nested with its own outcome and the shared revision', async () => {
    const { commit, sent } = standInEtcd();
    const first = commit.send(enqueueOf('q/a/1'), ['q/a/']);
    const second = commit.send(enqueueOf('q/b/1'), ['q/b/']);
    const third = commit.send(enqueueOf('q/c/1'), ['q/c/']);
    expect(sent).toHaveLength(1);
    sent[0]!.answer(reply([], 3));
    await first;
    await tick();
    expect(sent).toHaveLength(2);
    const batch = sent[1]!.request;
    expect(batch.compare ?? []).toEqual([]);
    expect(batch.success!.map((op) => op.request_txn)).toEqual([
      enqueueOf('q/b/1'),
      enqueueOf('q/c/1'),
    ]);
    sent[1]!.answer(reply([nested(true, 'b'), nested(false, 'c')], 9));
    await expect(second).resolves.toEqual({
      succeeded: true,
      responses: [{ tag: 'b' }],
      revision: 9n,
    });
    await expect(third).resolves.toEqual({
      succeeded: false,
      responses: [{ tag: 'c' }],
      revision: 9n,
    });
    expect(commit.counts).toEqual({ requests: 2, entries: 3, largest: 2 });
  });

  it('never puts two callers of one queue, or of queues nested in each other, in one batch, and keeps their order', async () => {
    const { commit, sent } = standInEtcd();
    void commit.send(enqueueOf('q/x/0'), ['q/x/']);
    const order = ['q/a/1', 'q/a/2', 'q/a/b/3', 'q/ab/4', 'q/a/5'];
    const answers = order.map((key) =>
      commit.send(enqueueOf(key), [key.slice(0, key.lastIndexOf('/') + 1)]),
    );
    const keysOf = (request: ITxnRequest) =>
      request.success!.map((op) =>
        String(op.request_txn?.success?.[0]?.request_put?.key ?? op.request_put?.key),
      );
    const batches: string[][] = [];
    for (let i = 0; i < 10 && batches.flat().length < order.length; i++) {
      const last = sent.at(-1)!;
      if (i > 0) batches.push(last.request.success ? keysOf(last.request) : []);
      last.answer(reply((last.request.success ?? []).map(() => nested(true, ''))));
      await tick();
    }
    expect(batches).toEqual([['q/a/1', 'q/ab/4'], ['q/a/2'], ['q/a/b/3'], ['q/a/5']]);
    await Promise.all(answers);
  });

  it('puts plain deletes inline and gives each caller its own replies', async () => {
    const { commit, sent } = standInEtcd();
    void commit.send(enqueueOf('q/x/0'), ['q/x/']);
    const one = commit.send({ success: [del('q/a/1')] }, ['q/a/']);
    const two = commit.send({ success: [del('q/b/1'), del('q/c/1')] }, ['q/b/', 'q/c/']);
    sent[0]!.answer(reply([]));
    await tick();
    expect(sent[1]!.request.success).toEqual([del('q/a/1'), del('q/b/1'), del('q/c/1')]);
    sent[1]!.answer(reply([{ tag: 1 }, { tag: 2 }, { tag: 3 }], 4));
    await expect(one).resolves.toEqual({ succeeded: true, responses: [{ tag: 1 }], revision: 4n });
    await expect(two).resolves.toEqual({
      succeeded: true,
      responses: [{ tag: 2 }, { tag: 3 }],
      revision: 4n,
    });
  });

  it("keeps each batch under etcd's limit, counted as etcd counts it: the outer ops plus the largest nested one's", async () => {
    const { commit, sent } = standInEtcd(5);
    void commit.send(enqueueOf('q/x/0'), ['q/x/']);
    // Each nested enqueue counts 1 outside and 1 inside: 4 + 1 fits 5, 5 + 1 does not.
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const answers = names.map((n) => commit.send(enqueueOf(`q/${n}/1`), [`q/${n}/`]));
    // A full batch goes without waiting for the one in flight.
    expect(sent.map((s) => s.request.success!.length)).toEqual([1, 4]);
    for (const s of sent.slice(0, 2))
      s.answer(reply(s.request.success!.map(() => nested(true, ''))));
    await tick();
    expect(sent.map((s) => s.request.success!.length)).toEqual([1, 4, 2]);
    sent[2]!.answer(reply([nested(true, ''), nested(true, '')]));
    await Promise.all(answers);
  });

  it('fails every caller of a batch lost in transit with that error, without sending it again', async () => {
    const { commit, sent } = standInEtcd();
    void commit.send(enqueueOf('q/x/0'), ['q/x/']);
    const answers = ['a', 'b'].map((n) => settled(commit.send(enqueueOf(`q/${n}/1`), [`q/${n}/`])));
    sent[0]!.answer(reply([]));
    await tick();
    const lost = new GRPCDeadlineExceededError('deadline exceeded');
    sent[1]!.fail(lost);
    expect(await Promise.all(answers)).toEqual([{ error: lost }, { error: lost }]);
    expect(sent).toHaveLength(2);
  });

  it("sends a batch that etcd refused again one caller at a time, so one caller's error is not its neighbour's", async () => {
    const { commit, sent } = standInEtcd();
    void commit.send(enqueueOf('q/x/0'), ['q/x/']);
    const answers = ['a', 'b'].map((n) => settled(commit.send(enqueueOf(`q/${n}/1`), [`q/${n}/`])));
    sent[0]!.answer(reply([]));
    await tick();
    sent[1]!.fail(new EtcdLeaseInvalidError('etcdserver: requested lease not found'));
    await tick();
    expect(sent.slice(2).map((s) => s.request)).toEqual([enqueueOf('q/a/1'), enqueueOf('q/b/1')]);
    const gone = new EtcdLeaseInvalidError('etcdserver: requested lease not found');
    sent[2]!.fail(gone);
    sent[3]!.answer(reply([{ tag: 'b' }], 11));
    expect(await Promise.all(answers)).toEqual([
      { error: gone },
      { value: { succeeded: true, responses: [{ tag: 'b' }], revision: 11n } },
    ]);
  });

  it('keeps later batches to half of one that etcd refused as too large', async () => {
    const { commit, sent } = standInEtcd();
    void commit.send(enqueueOf('q/x/0'), ['q/x/']);
    const many = ['a', 'b', 'c', 'd'].map((n) => commit.send(enqueueOf(`q/${n}/1`), [`q/${n}/`]));
    sent[0]!.answer(reply([]));
    await tick();
    sent[1]!.fail(new Error('etcdserver: too many operations in txn request'));
    await tick();
    expect(sent).toHaveLength(6); // the 4 again, one at a time
    for (const s of sent.slice(2)) s.answer(reply([]));
    await Promise.all(many);
    void commit.send(enqueueOf('q/y/0'), ['q/y/']);
    const later = ['e', 'f'].map((n) => commit.send(enqueueOf(`q/${n}/1`), [`q/${n}/`]));
    sent[6]!.answer(reply([]));
    await tick();
    // 4 ops refused, so 2 now: one nested Txn and its one op inside; a batch of one goes alone.
    expect(sent[7]!.request).toEqual(enqueueOf('q/e/1'));
    sent[7]!.answer(reply([]));
    await tick();
    expect(sent[8]!.request).toEqual(enqueueOf('q/f/1'));
    sent[8]!.answer(reply([]));
    await Promise.all(later);
  });

  it('sends a lone release as a plain DeleteRange, and answers it as the transaction it stands for', async () => {
    const { commit, sent } = standInEtcd();
    const answer = commit.send({ success: [del('q/a/1')] }, ['q/a/']);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.plain).toBe(true);
    const deleted = { header: header(8), deleted: '1' };
    sent[0]!.answer(reply([{ response_delete_range: deleted }], 8));
    await expect(answer).resolves.toEqual({
      succeeded: true,
      responses: [{ response_delete_range: deleted }],
      revision: 8n,
    });
  });

  it('with batching off, sends every caller alone and at once', () => {
    const { commit, sent } = standInEtcd(1);
    for (const n of ['a', 'a', 'b']) void commit.send(enqueueOf(`q/${n}/1`), [`q/${n}/`]);
    expect(sent.map((s) => s.request)).toEqual([
      enqueueOf('q/a/1'),
      enqueueOf('q/a/1'),
      enqueueOf('q/b/1'),
    ]);
    expect(commit.batching).toBe(false);
  });
});
