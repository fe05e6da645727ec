import type { ComparatorBuilder } from 'etcd3';
import { LockLostError } from '../errors/lock-lost.error.js';
import type { Leadership } from './leadership.interface.js';
import type { HeldLock } from '../lock/lock-backend.interface.js';
import { assertEntryValue } from '../options/lock-key.validators.js';

/** A leadership is a held queue entry whose value is the proposal (Go's `Election` layout). */
export class HeldLeadership implements Leadership {
  constructor(
    /** The queue entry behind it. @internal */
    readonly entry: HeldLock,
    private proposal: string,
    /** Told once the leadership ends, by resigning or by loss. */
    private readonly onEnd: () => void,
  ) {
    entry.signal.addEventListener('abort', onEnd, { once: true });
  }

  get name(): string {
    return this.entry.key;
  }

  get value(): string {
    return this.proposal;
  }

  get term(): bigint {
    return this.entry.fencingToken;
  }

  get signal(): AbortSignal {
    return this.entry.signal;
  }

  get isLeader(): boolean {
    return this.entry.held;
  }

  async proclaim(value: string): Promise<void> {
    const next = assertEntryValue(value);
    const lost = this.entry.lostError();
    if (lost) throw lost;
    if (!(await this.entry.setValue(next))) {
      throw new LockLostError({ key: this.name, reason: 'no longer the leader: its key is gone' });
    }
    this.proposal = next;
  }

  resign(): Promise<void> {
    this.onEnd();
    return this.entry.release();
  }

  ifLeader(): ComparatorBuilder {
    return this.entry.ifHeld();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.resign();
  }
}
