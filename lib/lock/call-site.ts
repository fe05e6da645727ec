/**
 * Where a lock was taken, for messages about it: a captured stack (V8 formats it only when it
 * is read, so capturing costs about a microsecond), or a label such as `@WithLock on A.b`.
 */
export type CallSite = string | { stack?: string };

/** The frame of whoever called `api`. One frame only: a held lock keeps it as long as it lives. */
export function captureCallSite(api: (...args: never[]) => unknown): CallSite {
  const site: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 1;
  Error.captureStackTrace(site, api);
  Error.stackTraceLimit = limit;
  return site;
}

/** The caller's frame, such as `Jobs.run (src/jobs.ts:12:5)`. */
export function describeCallSite(site: CallSite | undefined): string {
  if (typeof site === 'string') return site;
  return site?.stack?.split('\n')[1]?.trim().replace(/^at /, '') ?? 'an unknown call site';
}
