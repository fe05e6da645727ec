import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Inject,
  Logger,
  Optional,
} from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';
import { LockAcquireError } from '../errors/lock-acquire.error.js';
import { LockTimeoutError } from '../errors/lock-timeout.error.js';
import { LOCK_EXCEPTION_FILTER_OPTIONS } from '../etcd-lock.constants.js';
import type {
  LockErrorPayload,
  LockExceptionFilterOptions,
} from '../interfaces/lock-exception-filter-options.interface.js';
import { graphqlLockError } from './graphql-lock.error.js';
import { type HttpResponse, sendLockError } from './http-lock.response.js';
import { parseLockExceptionFilterOptions } from './lock-exception-filter.options.js';
import { lockErrorPayload } from './lock-error.payload.js';

/**
 * Maps lock failures for every Nest transport, so a busy lock reads as "locked, retry later"
 * rather than a crash: HTTP 423/503 with `Retry-After`; an RPC error and a WebSocket `exception`
 * event of `{ status: 'locked' | 'unavailable', message, lock, retryAfter }`; a GraphQL error
 * whose `extensions.code` is `LOCKED` or `UNAVAILABLE`. The module registers it app-wide unless
 * `httpErrors: false`. Nothing else is caught, so the handler's own errors keep their mapping.
 */
@Catch(LockTimeoutError, LockAcquireError)
export class LockExceptionFilter implements ExceptionFilter<LockTimeoutError | LockAcquireError> {
  private readonly options: Required<LockExceptionFilterOptions>;
  private readonly logger = new Logger('EtcdLock');

  constructor(
    @Optional() @Inject(LOCK_EXCEPTION_FILTER_OPTIONS) options?: LockExceptionFilterOptions,
  ) {
    this.options = parseLockExceptionFilterOptions(options);
  }

  /**
   * Answers the caller in its transport's own shape; in contexts with no caller to answer
   * (`@Cron`, a custom context) rethrows the error unchanged.
   */
  catch(error: LockTimeoutError | LockAcquireError, host: ArgumentsHost): unknown {
    const payload = lockErrorPayload(error, this.options.retryAfter);
    // A busy lock is an answer, not a fault: no log. An unavailable one is logged, without a
    // stack, with etcd's own words that the caller does not get.
    if (payload.status === 'unavailable') this.logger.warn(error.message);
    switch (host.getType<string>()) {
      case 'http':
        return this.answerHttp(payload, host);
      case 'rpc':
        return throwError(() => payload) as Observable<never>;
      case 'ws':
        return this.answerWs(payload, host);
      case 'graphql':
        throw graphqlLockError(payload);
      default:
        throw error;
    }
  }

  private answerHttp(payload: LockErrorPayload, host: ArgumentsHost): undefined {
    const locked = payload.status === 'locked';
    const statusCode = locked ? this.options.lockedStatus : this.options.unavailableStatus;
    const body = {
      statusCode,
      error: locked ? 'Locked' : 'Service Unavailable',
      message: payload.message,
      lock: payload.lock,
    };
    sendLockError(host.switchToHttp().getResponse<HttpResponse>(), body, payload.retryAfter);
    return undefined;
  }

  private answerWs(payload: LockErrorPayload, host: ArgumentsHost): undefined {
    const ws = host.switchToWs();
    const client = ws.getClient<{ emit?(event: string, body: unknown): void }>();
    // `cause.pattern`, as Nest's own WebSocket filter sends, tells the client which message failed.
    client.emit?.('exception', { ...payload, cause: { pattern: ws.getPattern?.() } });
    return undefined;
  }
}
