import 'reflect-metadata';
import { Observable, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InvalidLockArgumentError, OnlyLeader } from '../../../lib/index.js';

// The type checks run in `npm run typecheck`: each @ts-expect-error fails the build if the
// decorator starts accepting what it cannot run.
describe('@OnlyLeader refuses what it cannot run', () => {
  it('refuses an invalid election name where it is applied', () => {
    expect(() => OnlyLeader('')).toThrow(InvalidLockArgumentError);
    expect(() => OnlyLeader('a\0b')).toThrow(/election name/);
  });

  it('refuses an Observable method where it is applied', () => {
    const define = () => {
      class Feed {
        // @ts-expect-error: a replica that does not lead resolves undefined, not an Observable
        @OnlyLeader('feed')
        stream(): Observable<number> {
          return of(1);
        }
      }
      return Feed;
    };
    expect(define).toThrow(/Feed\.stream: make it async/);
  });

  it('accepts async methods whose result admits undefined', () => {
    class Jobs {
      @OnlyLeader('reports')
      async tick(): Promise<void> {}

      @OnlyLeader('reports')
      async count(): Promise<number | undefined> {
        return 1;
      }

      // @ts-expect-error: a replica that does not lead resolves undefined
      @OnlyLeader('reports')
      async total(): Promise<number> {
        return 1;
      }
    }
    expect(typeof Jobs.prototype.tick).toBe('function');
  });

  it('refuses a synchronous method where it is applied', () => {
    const define = () => {
      class Clock {
        // @ts-expect-error: a synchronous method cannot wait for anything
        @OnlyLeader('reports')
        now(): number {
          return 1;
        }
      }
      return Clock;
    };
    expect(define).toThrow(/Invalid @OnlyLeader target: Clock\.now returns Number/);
  });
});
