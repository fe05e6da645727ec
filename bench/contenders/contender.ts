/** One way of holding a lock around a critical section (for the floor: no lock at all). */
export interface Contender {
  readonly name: string;
  /**
   * Takes the lock on `key`, runs `section`, gives the lock back. Gives up waiting, rejecting
   * with `signal.reason`, once `signal` aborts (the measuring window has closed).
   */
  run(key: string, section: () => Promise<void>, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export const noSection = async (): Promise<void> => undefined;
