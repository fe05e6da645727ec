import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  bufferTime,
  concat,
  defer,
  filter,
  map,
  type Observable,
  of,
  ReplaySubject,
  share,
  Subject,
  type Subscription,
} from 'rxjs';
import type { LockEvent, LockEventKind } from '../interfaces/lock-event.interface.js';
import { LockService } from '../lock.service.js';
import { DASHBOARD_OPTIONS } from './dashboard.tokens.js';
import { toView } from './dashboard-view.js';
import type { ResolvedDashboardOptions } from './dashboard-options.parser.js';

/** A lock event as the page shows it: JSON-safe, no error objects, no lock values. */
export interface FeedItem {
  at: string;
  kind: LockEventKind;
  key: string;
  detail: string;
}

const SHOWN: readonly LockEventKind[] = [
  'lock.acquired',
  'lock.released',
  'lock.lost',
  'lock.failed',
  'lock.force-released',
  'leader.elected',
  'leader.lost',
];

/** Events go to the pages in batches, one message per viewer per this many ms at most. */
const EVENT_BATCH_MS = 250;

/**
 * What every open page gets: the lock list, and the recent events of this process (so a page
 * that opens now has a feed at once). Each is turned into JSON once for all viewers: Nest
 * serializes an object for each connection, and 300 viewers made that 300 times per change.
 * Events go in batches: one write per viewer per event was 600 writes per acquire+release.
 */
@Injectable()
export class DashboardFeed implements OnModuleDestroy {
  private readonly recent: FeedEntry[] = [];
  private readonly live = new Subject<FeedEntry>();
  private readonly subscription: Subscription;
  private lastSeq = 0;
  /** Batches of events as they happen, each turned into JSON once for every viewer. */
  private readonly batches$: Observable<{ entries: FeedEntry[]; json: string }>;
  /** The list as JSON, after every change; the latest at once for a page that opens. */
  readonly locks$: Observable<string>;

  constructor(
    private readonly locks: LockService,
    @Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions,
  ) {
    this.locks$ = locks.watch().pipe(
      map((list) => JSON.stringify(toView(list))),
      share({ connector: () => new ReplaySubject<string>(1), resetOnRefCountZero: true }),
    );
    this.subscription = locks.events$
      .pipe(filter((e) => SHOWN.includes(e.kind)))
      .subscribe((event) => {
        const entry = { seq: ++this.lastSeq, json: JSON.stringify(toFeedItem(event)) };
        this.recent.push(entry);
        if (this.recent.length > this.options.feedSize) this.recent.shift();
        this.live.next(entry);
      });
    this.batches$ = this.live.pipe(
      bufferTime(EVENT_BATCH_MS),
      filter((entries) => entries.length > 0),
      map((entries) => ({ entries, json: jsonArray(entries) })),
      share({ resetOnRefCountZero: true }),
    );
  }

  /** The list read now, as JSON: newer than the stream's last read, which may be 500 ms old. */
  async current(): Promise<string> {
    return JSON.stringify(toView(await this.locks.list()));
  }

  /**
   * For one page: the recent events at once, as one JSON array, then later ones in batches.
   * None twice: a batch under way when the page opened holds events it already got.
   */
  events(): Observable<string> {
    return defer(() => {
      const seen = this.lastSeq;
      const later = this.batches$.pipe(
        filter((batch) => batch.entries.at(-1)!.seq > seen),
        map((batch) =>
          batch.entries[0]!.seq > seen
            ? batch.json
            : jsonArray(batch.entries.filter((e) => e.seq > seen)),
        ),
      );
      return concat(of(jsonArray(this.recent)), later);
    });
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
    this.live.complete();
  }
}

/** An event as JSON, numbered so that a page is sent each one once. */
interface FeedEntry {
  seq: number;
  json: string;
}

const jsonArray = (entries: readonly FeedEntry[]) => `[${entries.map((e) => e.json).join(',')}]`;

function toFeedItem(event: LockEvent): FeedItem {
  const at = new Date().toISOString();
  const item = (detail: string): FeedItem => ({ at, kind: event.kind, key: event.key, detail });
  switch (event.kind) {
    case 'lock.acquired':
      return item(`token ${event.fencingToken}, waited ${event.waitedMs.toFixed(0)} ms`);
    case 'lock.released':
      return item(`held ${event.heldMs.toFixed(0)} ms`);
    case 'lock.lost':
      return item(event.error.reason);
    case 'lock.failed':
      return item(event.error.name);
    case 'lock.force-released':
      return item(event.reason);
    case 'leader.elected':
    case 'leader.lost':
      return item(`term ${event.term}`);
    default:
      return item('');
  }
}
