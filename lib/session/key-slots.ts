/**
 * Hands out the lowest free slot number per lock name. Reusing key names keeps etcd's key index
 * from growing with every acquisition (deleted keys stay in the index until compaction, and every
 * queue read walks them).
 */
export class KeySlots {
  private readonly used = new Map<string, Set<number>>();

  claim(name: string): number {
    let slots = this.used.get(name);
    if (!slots) this.used.set(name, (slots = new Set()));
    let slot = 0;
    while (slots.has(slot)) slot++;
    slots.add(slot);
    return slot;
  }

  /** Only once the key is certainly gone from etcd may its name be reused. */
  free(name: string, slot: number): void {
    const slots = this.used.get(name);
    slots?.delete(slot);
    if (slots?.size === 0) this.used.delete(name);
  }
}
