import type { OncePerTickOptions } from '../interfaces/job-run.interface.js';
import {
  DEFAULT_JOB_HISTORY,
  DEFAULT_MISSED_AFTER,
  MAX_JOB_HISTORY,
} from '../options/lock-options.defaults.js';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import {
  assertKnownKeys,
  assertMilliseconds,
  assertPlainObject,
  typeName,
} from '../options/option-validators.js';

/** `@OncePerTick` options, checked where the decorator is applied. */
export interface ParsedOncePerTick {
  readonly cron?: string;
  readonly timeZone?: string;
  readonly history: number;
  readonly missedAfter: number;
}

export function parseOncePerTickOptions(raw: unknown): ParsedOncePerTick {
  const argument = '@OncePerTick options';
  const options = assertPlainObject(raw, argument) as OncePerTickOptions;
  assertKnownKeys(options, ['cron', 'timeZone', 'history', 'missedAfter'], argument);
  const { history = DEFAULT_JOB_HISTORY, missedAfter = DEFAULT_MISSED_AFTER } = options;
  if (!Number.isInteger(history) || history < 1 || history > MAX_JOB_HISTORY) {
    const problem = `expected an integer from 1 to ${MAX_JOB_HISTORY}, got ${String(history)}`;
    throw new InvalidLockArgumentError({ argument: 'history', problem });
  }
  return {
    cron: optionalText(options.cron, 'cron'),
    timeZone: optionalText(options.timeZone, 'timeZone'),
    history,
    missedAfter: assertMilliseconds(missedAfter, 'missedAfter'),
  };
}

function optionalText(value: unknown, argument: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  const problem = `expected a string, got ${typeName(value)}`;
  throw new InvalidLockArgumentError({ argument, problem });
}
