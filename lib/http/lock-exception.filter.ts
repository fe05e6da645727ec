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
  LockErrorBody,
  LockExceptionFilterOptions,
} from '../interfaces/lock-exception-filter-options.interface.js';
import { parseLockExceptionFilterOptions } from './lock-exception-filter.options.js';

/**
 * Maps lock failures on HTTP routes: `LockTimeoutError` → 423 Locked and `LockAcquireError` →
 * 503, each with `Retry-After`. The module registers it app-wide unless `httpErrors: false`. Nothing else is caught, so the handler's
 * own errors, `HttpException`s included, keep their status. Express and Fastify.
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
   * On HTTP, sends the error as a 423 or 503 JSON body; over RPC and WebSockets, what Nest's own
   * filters give an unknown error; elsewhere rethrows it.
   */
  catch(error: LockTimeoutError | LockAcquireError, host: ArgumentsHost): unknown {
    const type = host.getType<string>();
    // Registered app-wide by default, so other transports get what Nest's own base filters
    // give an unknown error; external contexts (GraphQL, cron) rethrow as Nest's do.
    if (type === 'rpc') return this.unknownRpcError(error);
    if (type === 'ws') return this.unknownWsError(error, host);
    if (type !== 'http') throw error;
    const locked = error instanceof LockTimeoutError;
    const statusCode = locked ? this.options.lockedStatus : this.options.unavailableStatus;
    // etcd's own words (hosts, users, prefixes) go to the log, never to the client.
    if (!locked) this.logger.warn(error.message);
    const body: LockErrorBody = {
      statusCode,
      error: locked ? 'Locked' : 'Service Unavailable',
      message: locked ? error.message : `Lock "${error.key}" is unavailable; try again later`,
      lock: error.key,
    };
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const retryAfter = this.options.retryAfter > 0 ? String(this.options.retryAfter) : undefined;
    if (typeof response.code === 'function') {
      const reply = response.code(statusCode);
      if (retryAfter) reply.header!('Retry-After', retryAfter);
      reply.send!(body);
    } else {
      if (retryAfter) response.setHeader!('Retry-After', retryAfter);
      response.status!(statusCode).json!(body);
    }
    return undefined;
  }

  private unknownRpcError(error: Error): Observable<never> {
    this.logger.error(error.message, error.stack);
    return throwError(() => ({ status: 'error', message: 'Internal server error' }));
  }

  private unknownWsError(error: Error, host: ArgumentsHost): void {
    this.logger.error(error.message, error.stack);
    const client = host.switchToWs().getClient<{ emit?(event: string, body: unknown): void }>();
    client.emit?.('exception', { status: 'error', message: 'Internal server error' });
  }
}

/** The parts of an Express response or a Fastify reply the filter uses. */
interface HttpResponse {
  code?(status: number): HttpResponse;
  header?(name: string, value: string): HttpResponse;
  send?(body: unknown): void;
  status?(status: number): HttpResponse;
  setHeader?(name: string, value: string): void;
  json?(body: unknown): void;
}
