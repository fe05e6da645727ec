import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Cron } from '@nestjs/schedule';
import { describe, expect, it } from 'vitest';
import {
  InvalidLockArgumentError,
  JobsService,
  LockModuleMissingError,
  OncePerTick,
  OnlyLeader,
  WithLock,
} from '../../../lib/index.js';
import { EtcdLockTestingModule } from '../../../lib/testing/index.js';

/** One app on the in-memory backend, with `provider`, and a clock that says `now`. */
async function appWith(provider: new (...args: never[]) => unknown, now: () => number) {
  @Module({ imports: [EtcdLockTestingModule.forRoot({ clock: now })], providers: [provider] })
  class JobApp {}
  return NestFactory.createApplicationContext(JobApp, { logger: false });
}

describe('@OncePerTick refuses what it cannot run', () => {
  it('refuses a bad name, unknown options and an invalid cron where it is applied', () => {
    expect(() => OncePerTick('')).toThrow(/job name/);
    expect(() => OncePerTick('a', { every: 5 } as never)).toThrow(/every/);
    expect(() => OncePerTick('a', { history: 0 })).toThrow(/history/);
    const define = () => {
      class Bad {
        @OncePerTick('bad-cron', { cron: '61 * * * *' })
        async run(): Promise<void> {}
      }
      return Bad;
    };
    expect(define).toThrow(InvalidLockArgumentError);
  });

  it('refuses a synchronous method, and one job name on two methods', () => {
    const sync = () => {
      class Clock {
        // @ts-expect-error: a run is recorded when its Promise settles
        @OncePerTick('sync-job', { cron: '* * * * *' })
        tick(): void {}
      }
      return Clock;
    };
    expect(sync).toThrow(/Clock\.tick: make it async/);
    const twice = () => {
      class Reports {
        @OncePerTick('daily', { cron: '0 2 * * *' })
        async first(): Promise<void> {}

        @OncePerTick('daily', { cron: '0 3 * * *' })
        async second(): Promise<void> {}
      }
      return Reports;
    };
    expect(twice).toThrow(/"daily" is already @OncePerTick on Reports\.first/);
  });

  it('refuses a job named like a @WithLock lock or an @OnlyLeader election, in either order', () => {
    const lockFirst = () => {
      class Billing {
        @WithLock('invoices')
        async send(): Promise<void> {}

        @OncePerTick('invoices', { cron: '0 * * * *' })
        async hourly(): Promise<void> {}
      }
      return Billing;
    };
    expect(lockFirst).toThrow(/"invoices" is already @WithLock on Billing\.send/);
    const jobFirst = () => {
      class Exports {
        @OncePerTick('exports', { cron: '0 * * * *' })
        async hourly(): Promise<void> {}

        @OnlyLeader('exports')
        async lead(): Promise<void> {}
      }
      return Exports;
    };
    expect(jobFirst).toThrow(/"exports" is already @OncePerTick on Exports\.hourly/);
  });

  it('says which module is missing when Nest did not create the instance', async () => {
    class Loose {
      @OncePerTick('loose', { cron: '* * * * *' })
      async run(): Promise<void> {}
    }
    await expect(new Loose().run()).rejects.toThrow(LockModuleMissingError);
    await expect(new Loose().run()).rejects.toThrow(/JobsService/);
  });

  it('refuses a method with neither @Cron nor { cron } at its first run, and runs nothing', async () => {
    let ran = 0;
    @Injectable()
    class Unscheduled {
      @OncePerTick('unscheduled')
      async run(): Promise<void> {
        ran++;
      }
    }
    const app = await appWith(Unscheduled, Date.now);
    await expect(app.get(Unscheduled).run()).rejects.toThrow(/has no schedule: add @Cron/);
    expect(ran).toBe(0);
    expect(await app.get(JobsService).runs('unscheduled')).toEqual([]);
    await app.close();
  });
});

describe('@OncePerTick on the in-memory backend', () => {
  it("reads @Cron's schedule and time zone, above or below it", async () => {
    let now = Date.parse('2026-12-05T01:00:00.200Z');
    @Injectable()
    class Nightly {
      @Cron('0 2 * * *', { timeZone: 'Europe/Paris' })
      @OncePerTick('nightly-above')
      async above(): Promise<string | undefined> {
        return 'above';
      }

      @OncePerTick('nightly-below')
      @Cron('0 2 * * *', { timeZone: 'Europe/Paris' })
      async below(): Promise<string | undefined> {
        return 'below';
      }
    }
    const app = await appWith(Nightly, () => now);
    const job = app.get(Nightly);
    const jobs = app.get(JobsService);
    expect([await job.above(), await job.below()]).toEqual(['above', 'below']);
    // 02:00 Paris is 01:00 UTC: the tick is that, though the clock read 200 ms later.
    expect((await jobs.runs('nightly-above'))[0]!.tick).toBe(Date.parse('2026-12-05T01:00:00Z'));
    expect([await job.above(), await job.below()]).toEqual([undefined, undefined]);
    now += 3 * 86_400_000;
    expect(await job.above()).toBe('above');
    const runs = await jobs.runs('nightly-above');
    expect(runs.map((r) => r.outcome)).toEqual(['ok', 'missed', 'missed', 'ok']);
    await app.close();
  });

  it("records a failed run with the error's message and rejects with the user's own error", async () => {
    const failure = new RangeError('no report today');
    @Injectable()
    class Failing {
      @OncePerTick('failing', { cron: '* * * * *' })
      async run(): Promise<void> {
        throw failure;
      }
    }
    const app = await appWith(Failing, Date.now);
    await expect(app.get(Failing).run()).rejects.toBe(failure);
    const [run] = await app.get(JobsService).runs('failing');
    expect([run!.outcome, run!.error]).toEqual(['failed', 'no report today']);
    await app.close();
  });
});
