import type { IKeyValue } from 'etcd3';

/** The key just ahead of ours, as a read found it. */
export interface Predecessor {
  key: Buffer;
  /** Key names are reused, so an incarnation is a name plus its create revision. */
  createRevision: string;
  /** The revision the read that found it was made at. */
  asOf: bigint;
  /** Every entry ahead, when the read found them all. */
  everyAhead?: { readonly entries: Map<string, string> };
}

/** The entry `ahead` of ours, read at `asOf`. */
export function predecessorOf(ahead: IKeyValue, asOf: bigint): Predecessor {
  return { key: ahead.key, createRevision: ahead.create_revision, asOf };
}
