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
 * read per change fell further behind with every change. A failed read is tried again after
 * `retryMs`.
 */
export function coalescedReads<T>(
  read: () => Promise<T>,
  answer: (value: T) => void,
  retryMs: number,
): CoalescedReads {
  let reading = false;
  let again = false;
  let stopped = false;
  const changed = (): void => {
    if (stopped) return;
    if (reading) return void (again = true);
    reading = true;
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
  return { changed, stop: () => void (stopped = true) };
}
