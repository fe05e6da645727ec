import type { RecordStore, StoredRecord } from '../lock/record-store.interface.js';

/** Records in memory, with etcd's compare-and-set: every write moves the version on. */
export class InMemoryRecords implements RecordStore {
  private readonly records = new Map<string, { value: string; version: bigint }>();
  private version = 0n;

  async readRecord(name: string): Promise<StoredRecord> {
    return this.records.get(name) ?? { value: undefined, version: 0n };
  }

  async writeRecord(name: string, value: string, version: bigint): Promise<boolean> {
    if ((this.records.get(name)?.version ?? 0n) !== version) return false;
    this.records.set(name, { value, version: ++this.version });
    return true;
  }

  async listRecords(under: string): Promise<{ name: string; value: string }[]> {
    return [...this.records]
      .filter(([name]) => name.startsWith(under))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, { value }]) => ({ name, value }));
  }
}
