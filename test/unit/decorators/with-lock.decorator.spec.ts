import 'reflect-metadata';
import { Observable, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InvalidLockArgumentError, WithLock } from '../../../lib/index.js';

// The type checks below run in `npm run typecheck`: each @ts-expect-error fails the build if
// the decorator starts accepting what it cannot lock.
describe('@WithLock rejects what it cannot hold a lock around', () => {
  it('rejects a method declared synchronous where the decorator is applied', () => {
    const define = () => {
      class Report {
        // @ts-expect-error: a synchronous method cannot hold a lock across replicas
        @WithLock('sync')
        count(): number {
          return 1;
        }
      }
      return Report;
    };
    expect(define).toThrow(InvalidLockArgumentError);
    expect(define).toThrow(/Report\.count returns Number.*make it async/);
  });

  it('accepts async methods and methods declared to return an Observable', () => {
    class Jobs {
      @WithLock('a')
      async run(): Promise<number> {
        return 1;
      }

      @WithLock('b', { ttl: 5 })
      stream(): Observable<number> {
        return of(1);
      }

      @WithLock('c', { onLocked: 'skip' })
      async maybe(): Promise<number | undefined> {
        return 1;
      }

      @WithLock('d', { onLocked: 'skip' })
      async tick(): Promise<void> {}

      // @ts-expect-error: 'skip' resolves undefined, which Promise<number> does not admit
      @WithLock('e', { onLocked: 'skip' })
      async never(): Promise<number> {
        return 1;
      }
    }
    expect(typeof Jobs.prototype.run).toBe('function');
  });
});
