import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  Header,
  Headers,
  HttpCode,
  type MessageEvent,
  Post,
  Sse,
  type Type,
  UseGuards,
} from '@nestjs/common';
import { map, merge, type Observable } from 'rxjs';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { LockService } from '../lock.service.js';
import { DashboardFeed } from './dashboard-feed.js';
import { DashboardJobs } from './dashboard-jobs.js';
import type { ResolvedDashboardOptions } from './dashboard-options.parser.js';
import { dashboardPage } from './dashboard.page.js';
import { refuseCrossSite } from './cross-site.check.js';

/** How long the page waits for the state it arrives with. */
const FIRST_STATE_MS = 2_000;

/** The read's JSON, or `undefined` if it failed or took longer than FIRST_STATE_MS. */
function withinFirstStateTime(read: Promise<string>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), FIRST_STATE_MS).unref();
  });
  return Promise.race([read.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}

/**
 * The dashboard's routes under the configured path, behind the configured guards. A class
 * per `forRoot`, because the path and guards are decorator arguments.
 */
export function dashboardController(options: ResolvedDashboardOptions): Type<unknown> {
  const page = dashboardPage(options);

  @Controller(options.path)
  @UseGuards(...options.guards)
  class EtcdLockDashboardController {
    constructor(
      private readonly locks: LockService,
      private readonly feed: DashboardFeed,
      private readonly jobs: DashboardJobs,
    ) {}

    @Get()
    @Header('content-type', 'text/html; charset=utf-8')
    @Header('cache-control', 'no-store')
    @Header('content-security-policy', page.csp)
    @Header('x-frame-options', 'DENY')
    @Header('x-content-type-options', 'nosniff')
    @Header('referrer-policy', 'no-referrer')
    async page(): Promise<string> {
      // Read now, not the stream's last read (up to 500 ms old), so the page is right before
      // its stream connects; an etcd that does not answer in time leaves it to the stream.
      const [locks, jobs] = await Promise.all([
        withinFirstStateTime(this.feed.current()),
        withinFirstStateTime(this.jobs.current()),
      ]);
      return page.render({ locks, jobs });
    }

    /** Server-sent events: the locks after changes in etcd, the jobs, this process's events. */
    @Sse('stream')
    stream(): Observable<MessageEvent> {
      const locks = this.feed.locks$.pipe(map((data) => ({ type: 'locks', data })));
      const jobs = this.jobs.jobs$.pipe(map((data) => ({ type: 'jobs', data })));
      const events = this.feed.events().pipe(map((batch) => ({ type: 'events', data: batch })));
      return merge(locks, jobs, events);
    }

    @Post('release')
    @HttpCode(200)
    async release(
      @Body() body: unknown,
      @Headers() headers: Record<string, string | undefined>,
    ): Promise<{ released: string[] }> {
      if (!options.forceRelease) {
        throw new ForbiddenException(
          'Force-release is off: enable it with EtcdLockDashboardModule.forRoot({ forceRelease: true }).',
        );
      }
      refuseCrossSite(headers);
      const { name, reason } = (body ?? {}) as { name?: unknown; reason?: unknown };
      try {
        const released = await this.locks.forceRelease(name as string, {
          reason: reason as string,
        });
        return { released: released.map((e) => e.token.toString()) };
      } catch (error) {
        if (error instanceof InvalidLockArgumentError) throw new BadRequestException(error.message);
        throw error;
      }
    }
  }
  return EtcdLockDashboardController;
}
