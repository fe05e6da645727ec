import type { CanActivate, Type } from '@nestjs/common';

/** Options of `EtcdLockDashboardModule.forRoot`. */
export interface EtcdLockDashboardOptions {
  /** Where the page is served; its data streams from `<path>/stream`. @default '/locks' */
  path?: string;
  /**
   * Show a force-release button and accept `POST <path>/release`. Off by default: reading is
   * safe to expose, taking a lock away from its holder is not.
   * @default false
   */
  forceRelease?: boolean;
  /** Locks held longer than this many milliseconds are flagged on the page. @default 60000 */
  heldLongerThan?: number;
  /** Nest guards in front of every route of the dashboard (your auth). @default [] */
  guards?: (Type<CanActivate> | CanActivate)[];
  /** How many recent lock events the page's feed keeps. @default 50 */
  feedSize?: number;
}
