import type { IKeyValue } from 'etcd3';

/** The key just ahead of ours, and whether it was also the head of the queue when read. */
export interface Predecessor {
  key: Buffer;
  /** Key names are reused, so an incarnation is a name plus its create revision. */
  createRevision: string;
  isHead: boolean;
  /** Every entry ahead, when the read found them all, and the revision it read at. */
  everyAhead?: { readonly entries: ReadonlyMap<string, string>; readonly asOf: bigint };
}

/** The entry `ahead` of ours, and whether it is the `head` of the queue. */
export function predecessorOf(ahead: IKeyValue, head: IKeyValue): Predecessor {
  return {
    key: ahead.key,
    createRevision: ahead.create_revision,
    isHead: ahead.create_revision === head.create_revision,
  };
}
