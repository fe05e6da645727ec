import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Inject,
  Logger,
  Optional,
} from '@nestjs/common';
import { LockAcquireError } from '../errors/lock-acquire.error.js';
import { LockTimeoutError } from '../errors/lock-timeout.error.js';
import { LOCK_EXCEPTION_FILTER_OPTIONS } from '../etcd-lock.constants.js';
import type {
  LockErrorBody,
  LockExceptionFilterOptions,
} from '../interfaces/lock-exception-filter-options.interface.js';
import { parseLockExceptionFilterOptions } from './lock-exception-filter.options.js';

/**
 * Opt-in mapping of lock failures on HTTP routes: `LockTimeoutError` → 423 Locked and
 * `LockAcquireError` → 503, each with `Retry-After`. Nothing else is caught, so the handler's
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

  catch(error: LockTimeoutError | LockAcquireError, host: ArgumentsHost): void {
    // Other transports have no status to map to: let their default handling see the error.
    if (host.getType() !== 'http') throw error;
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
