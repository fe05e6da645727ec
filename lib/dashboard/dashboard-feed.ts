import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  filter,
  map,
  type Observable,
  ReplaySubject,
  share,
  Subject,
  type Subscription,
} from 'rxjs';
import type { LockEvent } from '../interfaces/lock-event.interface.js';
import { LockService } from '../lock.service.js';
import { DASHBOARD_OPTIONS } from './dashboard.tokens.js';
import { toView } from './dashboard-view.js';
import type { ResolvedDashboardOptions } from './dashboard-options.parser.js';

/** A lock event as the page shows it: JSON-safe, no error objects, no lock values. */
export interface FeedItem {
  at: string;
  type: LockEvent['type'];
  key: string;
  detail: string;
}

const SHOWN: readonly LockEvent['type'][] = [
  'acquired',
  'released',
  'lost',
  'failed',
  'lock.force-released',
  'leader.elected',
  'leader.lost',
];

/**
 * What every open page gets: the lock list, and the recent events of this process (so a page
 * that opens now has a feed at once). Each is turned into JSON once for all viewers: Nest
 * serializes an object for each connection, and 300 viewers made that 300 times per change.
 */
@Injectable()
export class DashboardFeed implements OnModuleDestroy {
  private readonly recent: string[] = [];
  private readonly live = new Subject<string>();
  private readonly subscription: Subscription;
  /** The list as JSON, after every change; the latest at once for a page that opens. */
  readonly locks$: Observable<string>;

  constructor(
    locks: LockService,
    @Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions,
  ) {
    this.locks$ = locks.watch().pipe(
      map((list) => JSON.stringify(toView(list))),
      share({ connector: () => new ReplaySubject<string>(1), resetOnRefCountZero: true }),
    );
    this.subscription = locks.events$
      .pipe(
        filter((e) => SHOWN.includes(e.type)),
        map((event) => JSON.stringify(toFeedItem(event))),
      )
      .subscribe((item) => {
        this.recent.push(item);
        if (this.recent.length > this.options.feedSize) this.recent.shift();
        this.live.next(item);
      });
  }

  /** The recent events, as JSON. */
  get items(): readonly string[] {
    return this.recent;
  }

  /** Each event as it happens, as JSON. */
  get items$(): Observable<string> {
    return this.live.asObservable();
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
    this.live.complete();
  }
}

function toFeedItem(event: LockEvent): FeedItem {
  const at = new Date().toISOString();
  const item = (detail: string): FeedItem => ({ at, type: event.type, key: event.key, detail });
  switch (event.type) {
    case 'acquired':
      return item(`token ${event.fencingToken}, waited ${event.waitedMs.toFixed(0)} ms`);
    case 'released':
      return item(`held ${event.heldMs.toFixed(0)} ms`);
    case 'lost':
      return item(event.error.reason);
    case 'failed':
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
