/**
 * Hands out the lowest free slot number per lock name. Reusing key names keeps etcd's key index
 * from growing with every acquisition (deleted keys stay in the index until compaction, and every
 * queue read walks them). One string per claimed slot keeps the cost per held lock small.
 */
export class KeySlots {
  private readonly used = new Set<string>();

  claim(name: string): number {
    let slot = 0;
    while (this.used.has(`${slot}\0${name}`)) slot++;
    this.used.add(`${slot}\0${name}`);
    return slot;
  }

  /** Only once the key is certainly gone from etcd may its name be reused. */
  free(name: string, slot: number): void {
    this.used.delete(`${slot}\0${name}`);
  }
}
