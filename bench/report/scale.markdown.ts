import type { ViewersPoint } from '../workloads/dashboard-viewers.workload.js';
import type { ListingPoint } from '../workloads/listing-scale.workload.js';
import type { WaitersPoint } from '../workloads/waiters-scale.workload.js';

export interface ScaleResults {
  machine: string;
  listing: ListingPoint[];
  waiters: WaitersPoint[];
  viewers: ViewersPoint[];
}

const START = '<!-- scale:start -->';
const END = '<!-- scale:end -->';

/** The section `npm run bench:scale` writes; `npm run bench` keeps it as it was. */
export function scaleSection(r: ScaleResults): string {
  const none = r.viewers.find((p) => p.viewers === 0)!.cycle.median;
  return [
    START,
    '## 6. Scale: names, waiters, dashboard viewers',
    '',
    `Written by \`npm run bench:scale\`. ${r.machine}.`,
    '',
    '### Listing against the number of names',
    '',
    'Another process holds one lock per name; the lister, which holds a lock of its own with a',
    'ttl of 2 s, calls `list()` once. The stall is the longest its event loop was held up.',
    '',
    '| names | `list()` | longest event-loop stall | own lock kept |',
    '|---|---|---|---|',
    ...r.listing.map(
      (p) =>
        `| ${p.names.toLocaleString('en')} | ${(p.listMs / 1000).toFixed(2)} s | ${p.stallMs.toFixed(0)} ms | ${p.kept ? 'yes' : '**no**'} |`,
    ),
    '',
    '### Waiters in one process',
    '',
    'Callers of `withLock` queued behind another process, on one name or on a name each. Heap',
    'is of the waiting process while all wait (from 1,000 waiters: below that, the garbage of the',
    'set-up outweighs them); drain is from the holders letting go to the last waiter done.',
    '',
    '| waiters | names | heap per waiter | drain | failures |',
    '|---|---|---|---|---|',
    ...r.waiters.map(
      (p) =>
        `| ${p.waiters.toLocaleString('en')} | ${p.spread} | ${p.heapBytesPerWaiter === undefined ? '–' : `${(p.heapBytesPerWaiter / 1024).toFixed(1)} KB`} | ${(p.drainMs / 1000).toFixed(2)} s | ${p.failures} |`,
    ),
    '',
    'On one name, every handoff ends with a read of the entries ahead in create order, which',
    'etcd 3.4 answers by reading the whole queue and sorting it (the limit applies after the',
    "sort): a handoff costs more the longer the queue, as with etcd's own Go `Mutex`.",
    '',
    '### Dashboard viewers',
    '',
    'An app serves the dashboard to open pages (read in a worker thread, as browsers elsewhere',
    'would) while 300 locks are held; it times its own acquire+release of a free key. The list',
    'is read at most every 500 ms and sent to each viewer; events go in batches every 250 ms.',
    '',
    '| viewers | acquire+release median | p99 | median ÷ no viewers | bytes sent per cycle |',
    '|---|---|---|---|---|',
    ...r.viewers.map(
      (p) =>
        `| ${p.viewers} | ${p.cycle.median.toFixed(2)} ms | ${p.cycle.p99.toFixed(2)} ms | ${(p.cycle.median / none).toFixed(2)}× | ${(p.bytesPerCycle / 1024).toFixed(0)} KB |`,
    ),
    '',
    END,
  ].join('\n');
}

/** `doc` with its scale section replaced by `section` (or `section` added at the end). */
export function withScaleSection(doc: string, section: string | undefined): string {
  if (section === undefined) return doc;
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < 0) return `${doc.trimEnd()}\n\n${section}\n`;
  return `${doc.slice(0, start)}${section}${doc.slice(end + END.length)}`;
}

/** The scale section of `doc`, if it has one. */
export function scaleSectionOf(doc: string): string | undefined {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  return start < 0 || end < 0 ? undefined : doc.slice(start, end + END.length);
}
