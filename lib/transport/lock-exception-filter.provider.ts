import type { Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { HttpErrorsOption } from '../interfaces/lock-exception-filter-options.interface.js';
import { LockExceptionFilter } from './lock-exception.filter.js';

/**
 * Registers `LockExceptionFilter` app-wide, so a lock error on an HTTP route is a 423 or 503
 * rather than a 500. Filters on a controller or route still come first, so a team can map the
 * errors its own way there. Built here, so bad options fail at `forRoot()`.
 */
export function lockExceptionFilterProviders(httpErrors: HttpErrorsOption = true): Provider[] {
  if (httpErrors === false) return [];
  const filter = new LockExceptionFilter(httpErrors === true ? undefined : httpErrors);
  return [{ provide: APP_FILTER, useValue: filter }];
}
