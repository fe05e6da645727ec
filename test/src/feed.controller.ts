import { Controller, Get, Param } from '@nestjs/common';
// Observable is imported as a value: a type-only import records no return type to read.
import { defer, from, map, Observable, switchMap, timer } from 'rxjs';
import { LockService, WithLock } from '../../lib/index.js';
import { CounterStore } from './counter.store.js';
import { CriticalSectionRecorder, now } from './critical-section.recorder.js';

/** How long each Observable keeps its critical section open, so that callers would overlap. */
export const FEED_SECTION_MS = 300;

/** Routes that return Observables, as Nest handlers often do. */
@Controller('feed')
export class FeedController {
  constructor(
    private readonly counter: CounterStore,
    private readonly recorder: CriticalSectionRecorder,
    private readonly locks: LockService,
  ) {}

  @Get(':id/declared')
  @WithLock((id: string) => `feed:${id}`)
  declared(@Param('id') id: string): Observable<{ value: number }> {
    return this.section(`feed:${id}`, 'declared');
  }

  // No return type on purpose: TypeScript records none, so the decorator decides per call.
  @Get(':id/undeclared')
  @WithLock((id: string) => `feed:${id}`)
  undeclared(@Param('id') id: string) {
    return this.section(`feed:${id}`, 'undeclared');
  }

  @WithLock('feed-skip', { onLocked: 'skip' })
  skipping(): Observable<string | undefined> {
    return timer(0).pipe(map(() => 'ran'));
  }

  /** Never completes: only an unsubscribe ends it. */
  @WithLock((id: string) => `feed:${id}`)
  endless(_id: string): Observable<number> {
    return timer(0, 1000);
  }

  /** Enters when subscribed, leaves when the timer fires: a critical section of known length. */
  private section(key: string, via: string): Observable<{ value: number }> {
    return defer(() => {
      const enter = now();
      const fencingToken = String(this.locks.current(key)?.fencingToken);
      return from(this.counter.increment(key)).pipe(
        switchMap((value) => timer(FEED_SECTION_MS).pipe(map(() => value))),
        map((value) => {
          this.recorder.record({ key, enter, exit: now(), fencingToken, value, via });
          return { value };
        }),
      );
    });
  }
}
