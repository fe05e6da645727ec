import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import type { EtcdLockDashboardOptions } from './dashboard-options.interface.js';
import {
  assertKnownKeys,
  assertMilliseconds,
  assertPlainObject,
} from '../options/option-validators.js';

export type ResolvedDashboardOptions = Required<EtcdLockDashboardOptions>;

/** The defaults, in one place; the README's dashboard section shows the same values. */
const DASHBOARD_DEFAULTS: ResolvedDashboardOptions = {
  path: '/locks',
  forceRelease: false,
  heldLongerThan: 60_000,
  guards: [],
  feedSize: 50,
};

export function parseDashboardOptions(raw: unknown): ResolvedDashboardOptions {
  const options = assertPlainObject(raw, 'EtcdLockDashboardModule options');
  assertKnownKeys(options, Object.keys(DASHBOARD_DEFAULTS), 'EtcdLockDashboardModule options');
  const merged = { ...DASHBOARD_DEFAULTS, ...(options as EtcdLockDashboardOptions) };
  const { path, forceRelease, guards, feedSize } = merged;
  if (typeof path !== 'string' || !/^\/[\w\-/]*$/.test(path)) {
    throw new InvalidLockArgumentError({
      argument: 'dashboard path',
      problem: `expected a path like '/locks', got ${String(path)}`,
    });
  }
  if (typeof forceRelease !== 'boolean') {
    throw new InvalidLockArgumentError({
      argument: 'dashboard forceRelease',
      problem: 'expected true or false',
    });
  }
  if (!Array.isArray(guards))
    throw new InvalidLockArgumentError({
      argument: 'dashboard guards',
      problem: 'expected an array',
    });
  if (!Number.isInteger(feedSize) || feedSize < 0 || feedSize > 1000) {
    throw new InvalidLockArgumentError({
      argument: 'dashboard feedSize',
      problem: 'expected an integer from 0 to 1000',
    });
  }
  return {
    ...merged,
    path: path.replace(/\/+$/, '') || '/',
    heldLongerThan: assertMilliseconds(merged.heldLongerThan, 'dashboard heldLongerThan'),
  };
}
