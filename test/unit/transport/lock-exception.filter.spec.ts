import { type ArgumentsHost, Logger } from '@nestjs/common';
import { firstValueFrom, type Observable } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LockAcquireError, LockExceptionFilter, LockTimeoutError } from '../../../lib/index.js';

const hostOf = (type: string, client?: object) =>
  ({
    getType: () => type,
    switchToWs: () => ({ getClient: () => client, getPattern: () => 'reserve' }),
  }) as unknown as ArgumentsHost;

const busy = new LockTimeoutError({ key: 'job', waitedMs: 0, kind: 'busy' });
const down = new LockAcquireError({
  key: 'job',
  attempts: 3,
  cause: new Error('connect ECONNREFUSED 10.0.0.7:2379'),
});

describe('LockExceptionFilter outside HTTP', () => {
  const filter = new LockExceptionFilter({ retryAfter: 2 });
  beforeAll(() => Logger.overrideLogger(false)); // an unavailable lock is logged as a warning

  it("fails an RPC call with { status: 'locked', message, lock, retryAfter }", async () => {
    const answer = filter.catch(busy, hostOf('rpc')) as Observable<never>;
    await expect(firstValueFrom(answer)).rejects.toEqual({
      status: 'locked',
      message: busy.message,
      lock: 'job',
      retryAfter: 2,
    });
  });

  it("tells an RPC caller 'unavailable' without etcd's own words (hosts stay in the log)", async () => {
    const answer = filter.catch(down, hostOf('rpc')) as Observable<never>;
    const payload = await firstValueFrom(answer).catch((error: unknown) => error);
    expect(payload).toMatchObject({ status: 'unavailable', lock: 'job', retryAfter: 2 });
    expect(JSON.stringify(payload)).not.toContain('10.0.0.7');
  });

  it("emits an 'exception' event with the payload and the message's pattern to a WebSocket client", () => {
    const emitted: unknown[] = [];
    filter.catch(busy, hostOf('ws', { emit: (...args: unknown[]) => emitted.push(args) }));
    expect(emitted).toEqual([
      [
        'exception',
        {
          status: 'locked',
          message: busy.message,
          lock: 'job',
          retryAfter: 2,
          cause: { pattern: 'reserve' },
        },
      ],
    ]);
  });

  it('throws a GraphQL error with extensions.code LOCKED or UNAVAILABLE and a one-line stack', () => {
    const thrown = (error: Error) => {
      try {
        filter.catch(error as LockTimeoutError, hostOf('graphql'));
      } catch (mapped) {
        return mapped as Error & { extensions: object };
      }
      throw new Error('the filter did not throw');
    };
    const locked = thrown(busy);
    expect(locked.extensions).toEqual({ code: 'LOCKED', lock: 'job', retryAfter: 2 });
    expect(locked.stack).toBe(`LockedError: ${busy.message}`);
    expect(thrown(down).extensions).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('rethrows the error unchanged where there is no caller to answer (a cron context)', () => {
    expect(() => filter.catch(busy, hostOf('cron'))).toThrow(busy);
  });
});
