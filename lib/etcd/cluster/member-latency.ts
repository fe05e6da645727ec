/** How much a new sample counts in the smoothed latency: a slowdown shows within 2 samples. */
const WEIGHT = 0.5;
/** Slower than the best other member by this factor, plus the margin, is "much slower". */
const FACTOR = 3;
/** Below this, differences are noise on a busy machine (GC, a shared core), not a slow member. */
const MARGIN_MS = 25;

/**
 * Smoothed answer times of the members' status checks, the same request to each, so they
 * compare. A member that turned slow (a saturated disk, a congested link) still answers, so
 * nothing else moves the client off it: every call would pay its latency while healthy
 * members idle.
 */
export class MemberLatency {
  private readonly smoothed = new Map<string, number>();

  record(host: string, ms: number): void {
    const last = this.smoothed.get(host);
    this.smoothed.set(host, last === undefined ? ms : last + WEIGHT * (ms - last));
  }

  forget(host: string): void {
    this.smoothed.delete(host);
  }

  /** Why `host` is much slower than the fastest of `others`, or `undefined` if it is not. */
  muchSlower(host: string, others: readonly string[]): string | undefined {
    const mine = this.smoothed.get(host);
    const best = Math.min(...others.map((h) => this.smoothed.get(h) ?? Infinity));
    if (mine === undefined || !Number.isFinite(best) || mine <= FACTOR * best + MARGIN_MS) {
      return undefined;
    }
    return `answers in ${mine.toFixed(0)} ms where another member answers in ${best.toFixed(0)} ms`;
  }
}
