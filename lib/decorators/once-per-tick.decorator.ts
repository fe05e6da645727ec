import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import type { OncePerTickOptions } from '../interfaces/job-run.interface.js';
import { parseOncePerTickOptions, type ParsedOncePerTick } from '../jobs/once-per-tick.options.js';
import { type OncePerTickJob, OncePerTickRunner } from '../jobs/once-per-tick.runner.js';
import { TickSchedule } from '../jobs/tick-schedule.js';
import { assertLockKey } from '../options/lock-key.validators.js';
import { copyMethodMetadata } from './copy-method-metadata.js';
import { claimDecoratedName } from './decorated-names.js';
import { decoratedMethod, type InjectedProvider, type Method } from './decorated-method.js';
import type { OnlyLeaderDecorator } from './with-lock-decorator.interface.js';

/** Where Nest injects the runner into each instance with a `@OncePerTick` method. */
const RUNNER: InjectedProvider<OncePerTickRunner> = {
  token: OncePerTickRunner,
  property: Symbol('JobsService from EtcdLockModule.forRoot()'),
};

/** `@Cron(...)`'s metadata key in `@nestjs/schedule`, read without depending on the package. */
const CRON_METADATA = 'SCHEDULE_CRON_OPTIONS';

/** `@OncePerTick` returns the same decorator type as `@OnlyLeader`: async, admits undefined. */
export type OncePerTickDecorator = OnlyLeaderDecorator;

/**
 * Runs a scheduled method once per tick across every replica, and records each run in etcd.
 * The tick is the fire time of the schedule nearest to now; the first replica to claim it
 * runs it, the others resolve `undefined` at once. The job's lock (its `name`) keeps runs from
 * overlapping: a tick that comes while the previous run still goes is recorded as skipped.
 * The schedule is `options.cron`, or the method's `@Cron(...)` from `@nestjs/schedule`.
 */
export function OncePerTick(name: string, options: OncePerTickOptions = {}): OncePerTickDecorator {
  const jobName = assertLockKey(name, '@OncePerTick job name');
  const parsed = parseOncePerTickOptions(options);
  return (target, propertyKey, descriptor) => {
    const decorated = decoratedMethod('@OncePerTick', [target, propertyKey, descriptor], RUNNER);
    const { original, method, where, kind, providerOf } = decorated;
    if (kind !== 'promise') {
      const problem = `${where}: make it async (a job's run is recorded when its Promise settles)`;
      throw new InvalidLockArgumentError({ argument: '@OncePerTick target', problem });
    }
    claimDecoratedName(jobName, '@OncePerTick', where);
    // With `cron` given, a bad expression fails here; from `@Cron`, at the first run.
    let job = parsed.cron ? resolveJob(jobName, parsed, undefined, where) : undefined;
    const wrapped: Method = {
      async [method](this: unknown, ...args: unknown[]) {
        const runner = providerOf(this);
        job ??= resolveJob(jobName, parsed, Reflect.getMetadata(CRON_METADATA, wrapped), where);
        return runner.run(job, () => original.apply(this, args) as Promise<unknown>);
      },
    }[method]!;
    copyMethodMetadata(original, wrapped);
    descriptor.value = wrapped as unknown as typeof descriptor.value;
  };
}

function resolveJob(
  name: string,
  parsed: ParsedOncePerTick,
  fromCron: { cronTime?: unknown; timeZone?: unknown } | undefined,
  where: string,
): OncePerTickJob {
  const cron = parsed.cron ?? fromCron?.cronTime;
  if (typeof cron !== 'string') {
    const problem =
      cron === undefined
        ? `${where} has no schedule: add @Cron(...) from @nestjs/schedule, or pass { cron }`
        : `${where}: @Cron was given a date, not a cron expression; a one-off is not a tick`;
    throw new InvalidLockArgumentError({ argument: '@OncePerTick schedule', problem });
  }
  const zone = parsed.timeZone ?? fromCron?.timeZone;
  const timeZone = typeof zone === 'string' ? zone : undefined;
  const schedule = new TickSchedule(cron, timeZone, `@OncePerTick schedule of ${where}`);
  const { history, missedAfter } = parsed;
  return { name, schedule, history, missedAfter, site: `@OncePerTick on ${where}` };
}
