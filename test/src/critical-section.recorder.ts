import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';

/** One completed critical section, as the contention checkers read it. */
export interface CriticalSection {
  key: string;
  enter: number;
  exit: number;
  fencingToken: string;
  pid: number;
  via: string;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across local processes. */
export const now = (): number => performance.timeOrigin + performance.now();

@Injectable()
export class CriticalSectionRecorder {
  readonly sections: CriticalSection[] = [];

  record(section: Omit<CriticalSection, 'pid'>): void {
    this.sections.push({ ...section, pid: process.pid });
  }
}
