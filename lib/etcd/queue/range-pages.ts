import { GRPCResourceExhastedError, type IKeyValue, Range } from 'etcd3';
import type { EtcdMembers } from '../cluster/etcd-members.js';

/** Keys per read: a page of lock entries is about 100 KB, far below gRPC's 4 MB reply limit. */
const PAGE_KEYS = 1_000;

/**
 * Every key under `prefix`, in key order, as one snapshot: read in pages, each page at the
 * revision of the first, and handed over one page at a time so the caller's work on it is
 * spread between the reads. One read of the whole prefix failed past 4 MB (RESOURCE_EXHAUSTED:
 * about 30,000 entries), and a dashboard then retried it every 500 ms for good. A page that is
 * still too large (foreign keys with large values) is read again in halves.
 */
export async function* prefixPages(
  members: EtcdMembers,
  prefix: string | Buffer,
): AsyncGenerator<IKeyValue[]> {
  const end = Range.prefix(prefix).end;
  let start: Buffer = Buffer.from(prefix);
  let revision: string | undefined;
  let limit = PAGE_KEYS;
  for (;;) {
    const [from, at] = [start, revision];
    let page;
    try {
      page = await members.run((client) => {
        const read = client.getAll().inRange(new Range(from, end)).limit(limit);
        return (at === undefined ? read : read.revision(at)).exec();
      });
    } catch (error) {
      if (!(error instanceof GRPCResourceExhastedError) || limit === 1) throw error;
      limit = Math.ceil(limit / 2);
      continue;
    }
    revision ??= page.header.revision;
    yield page.kvs;
    if (!page.more || page.kvs.length === 0) return;
    // The next page starts just after this page's last key.
    start = Buffer.concat([page.kvs[page.kvs.length - 1]!.key, Buffer.from([0])]);
  }
}
