/** A record kept outside every lock queue, with no lease: it outlives every process. */
export interface StoredRecord {
  /** Undefined while the record does not exist. */
  readonly value: string | undefined;
  /** Changes on every write; `0n` while the record does not exist. */
  readonly version: bigint;
}

/**
 * Small records beside the locks, written by compare-and-set: a scheduled job's last tick and
 * its run history. Not lock keys: no lease, never listed, never force-released.
 */
export interface RecordStore {
  readRecord(name: string): Promise<StoredRecord>;
  /** Writes `value` if the record is still at `version` (`0n`: still absent); false if not. */
  writeRecord(name: string, value: string, version: bigint): Promise<boolean>;
  /** Every record whose name starts with `under`, in name order. */
  listRecords(under: string): Promise<{ name: string; value: string }[]>;
}
