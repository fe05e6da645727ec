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

/**
 * Sections on one key that wrote the same counter value: each section writes the value it read
 * plus one, so a repeat means two sections read before either wrote. Needs no clock.
 */
export function findLostUpdates(sections: readonly CriticalSection[]): CriticalSection[][] {
  const byWrite = new Map<string, CriticalSection[]>();
  for (const s of sections) {
    const id = `${s.key}\0${s.value}`;
    byWrite.set(id, [...(byWrite.get(id) ?? []), s]);
  }
  return [...byWrite.values()].filter((group) => group.length > 1);
}

/** The most intervals open at one moment. */
export function maxOverlap(intervals: readonly { enter: number; exit: number }[]): number {
  const edges = intervals.flatMap((i) => [
    { at: i.enter, step: 1 },
    { at: i.exit, step: -1 },
  ]);
  // At a tie an exit goes first: a holder that left as another entered never overlapped it.
  edges.sort((x, y) => x.at - y.at || x.step - y.step);
  let open = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (open += edge.step));
  return most;
}

/** Pairs in which a writer's interval intersects any other interval. */
export function overlapsOfWriters<T extends { enter: number; exit: number; writer: boolean }>(
  sections: readonly T[],
): [T, T][] {
  const pairs: [T, T][] = [];
  for (const w of sections.filter((s) => s.writer)) {
    for (const other of sections) {
      if (other !== w && other.enter < w.exit && w.enter < other.exit) pairs.push([w, other]);
    }
  }
  return pairs;
}
