/** One way of taking and giving back a lock (or, for the floor, a bare put + delete). */
export interface Contender {
  readonly name: string;
  /** Acquire, then release, one key. */
  cycle(key: string): Promise<void>;
  close(): Promise<void>;
}
