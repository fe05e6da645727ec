import type { HeldLeadership } from './leadership.js';

/**
 * This process's current leaderships, by election name: `LeaderService` records them, and
 * `@OnlyLeader` runs under them, whoever campaigned (the standing campaign or the app itself).
 */
export class LeadershipRegistry {
  private readonly byName = new Map<string, HeldLeadership>();

  get(name: string): HeldLeadership | undefined {
    return this.byName.get(name);
  }

  set(name: string, leadership: HeldLeadership): void {
    this.byName.set(name, leadership);
  }

  /** Forgets `leadership` if it is still the one recorded: a newer term may have replaced it. */
  end(name: string, leadership: HeldLeadership): boolean {
    if (this.byName.get(name) !== leadership) return false;
    this.byName.delete(name);
    return true;
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
