import type { CriticalSection } from '../src/critical-section.recorder.js';

export interface Violation {
  key: string;
  first: CriticalSection;
  second: CriticalSection;
}

/** Pairs of sections on one key whose [enter, exit] intervals intersect. */
export function findOverlaps(sections: readonly CriticalSection[]): Violation[] {
  return consecutive(sections)
    .filter(([a, b]) => b.enter < a.exit)
    .map(toViolation);
}

/** Consecutive sections on one key (in entry order) whose fencing tokens do not increase. */
export function findFencingRegressions(sections: readonly CriticalSection[]): Violation[] {
  return consecutive(sections)
    .filter(([a, b]) => !(BigInt(b.fencingToken) > BigInt(a.fencingToken)))
    .map(toViolation);
}

function consecutive(sections: readonly CriticalSection[]): [CriticalSection, CriticalSection][] {
  const byKey = new Map<string, CriticalSection[]>();
  for (const s of sections) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s]);
  const pairs: [CriticalSection, CriticalSection][] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => a.enter - b.enter);
    for (let i = 1; i < list.length; i++) pairs.push([list[i - 1]!, list[i]!]);
  }
  return pairs;
}

function toViolation([first, second]: [CriticalSection, CriticalSection]): Violation {
  return { key: first.key, first, second };
}
