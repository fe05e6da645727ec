import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { filter, map, type Observable, Subject, type Subscription } from 'rxjs';
import type { LockEvent } from '../interfaces/lock-event.interface.js';
import { LockService } from '../lock.service.js';
import { DASHBOARD_OPTIONS } from './dashboard.tokens.js';
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

/** Keeps the recent events of this process, so a page that opens now has a feed at once. */
@Injectable()
export class DashboardFeed implements OnModuleDestroy {
  private readonly recent: FeedItem[] = [];
  private readonly live = new Subject<FeedItem>();
  private readonly subscription: Subscription;

  constructor(
    locks: LockService,
    @Inject(DASHBOARD_OPTIONS) private readonly options: ResolvedDashboardOptions,
  ) {
    this.subscription = locks.events$
      .pipe(
        filter((e) => SHOWN.includes(e.type)),
        map(toFeedItem),
      )
      .subscribe((item) => {
        this.recent.push(item);
        if (this.recent.length > this.options.feedSize) this.recent.shift();
        this.live.next(item);
      });
  }

  get items(): readonly FeedItem[] {
    return this.recent;
  }

  get items$(): Observable<FeedItem> {
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
