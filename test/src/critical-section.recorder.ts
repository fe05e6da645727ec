import { Injectable } from '@nestjs/common';

/** One completed critical section, as the contention checkers read it. */
export interface CriticalSection {
  key: string;
  enter: number;
  exit: number;
  fencingToken: string;
  /** The counter value this section wrote: a clock-free witness of exclusion. */
  value: number;
  pid: number;
  via: string;
}

/**
 * Milliseconds on CLOCK_MONOTONIC, which all processes on one machine share. Not
 * `performance.timeOrigin + now()`: each process fixes its time origin from the wall clock when
 * it starts, and the wall clock is slewed, so processes started minutes apart disagree by up to
 * a millisecond, which a checker reads as overlapping sections.
 */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

@Injectable()
export class CriticalSectionRecorder {
  readonly sections: CriticalSection[] = [];

  record(section: Omit<CriticalSection, 'pid'>): void {
    this.sections.push({ ...section, pid: process.pid });
  }
}
