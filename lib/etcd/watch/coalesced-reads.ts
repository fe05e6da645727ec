/** Starts reads on request, at most one at a time; see `coalescedReads`. */
export interface CoalescedReads {
  /** Something changed: read again, now or after the read under way. */
  changed(): void;
  /** No more reads start, and no more answers are passed on. */
  stop(): void;
}

/**
 * Reads with `read` on every `changed()`, but changes that come while a read is under way
 * are answered by one more read after it, not one each: under a stream of acquisitions, a
 * read per change fell further behind with every change. Reads start at least `minGapMs`
 * apart (a change after a quiet spell is read at once, the last of a burst always is). A failed
 * read is tried again after `retryMs`.
 */
export function coalescedReads<T>(
  read: () => Promise<T>,
  answer: (value: T) => void,
  retryMs: number,
  minGapMs = 0,
): CoalescedReads {
  let reading = false;
  let again = false;
  let stopped = false;
  let lastStart = -Infinity;
  let paced: NodeJS.Timeout | undefined;
  const start = (): void => {
    paced = undefined;
    changed();
  };
  const changed = (): void => {
    if (stopped || paced) return; // a read is due: it starts after this change
    if (reading) return void (again = true);
    const early = lastStart + minGapMs - performance.now();
    if (early > 0) return void (paced = setTimeout(start, early).unref());
    reading = true;
    lastStart = performance.now();
    read().then(
      (value) => {
        reading = false;
        if (!stopped) answer(value);
        if (!again) return;
        again = false;
        changed();
      },
      () => {
        reading = false;
        again = false;
        setTimeout(changed, retryMs).unref();
      },
    );
  };
  const stop = (): void => {
    stopped = true;
    clearTimeout(paced);
  };
  return { changed, stop };
}
