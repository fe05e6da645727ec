import type { IKeyValue } from 'etcd3';

/** The key just ahead of ours, and whether it was also the head of the queue when read. */
export interface Predecessor {
  key: Buffer;
  /** Key names are reused, so an incarnation is a name plus its create revision. */
  createRevision: string;
  isHead: boolean;
  /** The revision the read that found it was made at. */
  asOf: bigint;
  /** Every entry ahead, when the read found them all. */
  everyAhead?: { readonly entries: ReadonlyMap<string, string> };
}

/** The entry `ahead` of ours, read at `asOf`, and whether it is the `head` of the queue. */
export function predecessorOf(ahead: IKeyValue, head: IKeyValue, asOf: bigint): Predecessor {
  return {
    key: ahead.key,
    createRevision: ahead.create_revision,
    isHead: ahead.create_revision === head.create_revision,
    asOf,
  };
}
