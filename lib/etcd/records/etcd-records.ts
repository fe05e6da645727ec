import type { RecordStore, StoredRecord } from '../../lock/record-store.interface.js';
import type { EtcdMembers } from '../cluster/etcd-members.js';
import { prefixPages } from '../queue/range-pages.js';

/**
 * Records as plain etcd keys under `<prefix>\0record/`: no lock name holds a NUL, and the
 * listing skips keys without a lease, so a record is never taken for a lock entry.
 */
export class EtcdRecords implements RecordStore {
  constructor(
    private readonly members: EtcdMembers,
    private readonly prefix: string,
  ) {}

  async readRecord(name: string): Promise<StoredRecord> {
    const key = this.keyOf(name);
    const { kvs } = await this.members.run((client) => client.kv.range({ key }));
    const [kv] = kvs;
    return kv ? { value: kv.value.toString(), version: BigInt(kv.mod_revision) } : ABSENT;
  }

  async writeRecord(name: string, value: string, version: bigint): Promise<boolean> {
    const key = this.keyOf(name);
    // A missing key compares as mod_revision 0, so version 0n means "still absent".
    const { succeeded } = await this.members.run((client) =>
      client.kv.txn({
        compare: [{ key, target: 'Mod', result: 'Equal', mod_revision: String(version) }],
        success: [{ request_put: { key, value: Buffer.from(value) } }],
      }),
    );
    return succeeded;
  }

  async listRecords(under: string): Promise<{ name: string; value: string }[]> {
    const records = [];
    const start = this.keyOf('').length;
    for await (const page of prefixPages(this.members, this.keyOf(under))) {
      for (const kv of page)
        records.push({ name: kv.key.subarray(start).toString(), value: kv.value.toString() });
    }
    return records;
  }

  private keyOf(name: string): Buffer {
    return Buffer.from(`${this.prefix}\0record/${name}`);
  }
}

const ABSENT: StoredRecord = { value: undefined, version: 0n };
