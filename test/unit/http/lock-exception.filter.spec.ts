import { type ArgumentsHost, Logger } from '@nestjs/common';
import { firstValueFrom, type Observable } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LockExceptionFilter, LockTimeoutError } from '../../../lib/index.js';

const hostOf = (type: string, client?: object) =>
  ({
    getType: () => type,
    switchToWs: () => ({ getClient: () => client }),
  }) as unknown as ArgumentsHost;

/** Registered app-wide by default, the filter must not change what other transports see. */
describe('LockExceptionFilter outside HTTP', () => {
  const filter = new LockExceptionFilter();
  const busy = new LockTimeoutError({ key: 'job', waitedMs: 0, kind: 'busy' });
  beforeAll(() => Logger.overrideLogger(false)); // it logs each error, as Nest's filters do

  it("gives a microservice caller what Nest's base RPC filter gives an unknown error", async () => {
    const answer = filter.catch(busy, hostOf('rpc')) as Observable<never>;
    await expect(firstValueFrom(answer)).rejects.toEqual({
      status: 'error',
      message: 'Internal server error',
    });
  });

  it("emits Nest's usual 'exception' event to a WebSocket client", () => {
    const emitted: unknown[] = [];
    filter.catch(busy, hostOf('ws', { emit: (...args: unknown[]) => emitted.push(args) }));
    expect(emitted).toEqual([['exception', { status: 'error', message: 'Internal server error' }]]);
  });

  it('rethrows in other contexts (GraphQL, cron), as Nest does', () => {
    expect(() => filter.catch(busy, hostOf('graphql'))).toThrow(busy);
  });
});
