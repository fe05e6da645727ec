import type { Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LOCK_EXCEPTION_FILTER_OPTIONS } from '../etcd-lock.constants.js';
import type { HttpErrorsOption } from '../interfaces/lock-exception-filter-options.interface.js';
import { LockExceptionFilter } from './lock-exception.filter.js';

/**
 * Registers `LockExceptionFilter` app-wide, so a lock error on an HTTP route is a 423 or 503
 * rather than a 500. Filters on a controller or route still come first, so a team can map the
 * errors its own way there. Built here, so bad options fail at `forRoot()`. The options are
 * also provided (see `lockExceptionFilterExports`), so a `@UseFilters(LockExceptionFilter)` on
 * a WebSocket gateway, where no global filter applies, answers with the same `retryAfter`.
 */
export function lockExceptionFilterProviders(httpErrors: HttpErrorsOption = true): Provider[] {
  if (httpErrors === false) return [];
  const options = httpErrors === true ? {} : httpErrors;
  const filter = new LockExceptionFilter(options);
  return [
    { provide: APP_FILTER, useValue: filter },
    { provide: LOCK_EXCEPTION_FILTER_OPTIONS, useValue: options },
  ];
}

/** What the module exports of the filter's providers: its options, when it has a filter. */
export function lockExceptionFilterExports(httpErrors: HttpErrorsOption = true): string[] {
  return httpErrors === false ? [] : [LOCK_EXCEPTION_FILTER_OPTIONS];
}
