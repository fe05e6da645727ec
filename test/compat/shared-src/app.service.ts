import { Injectable } from '@nestjs/common';
import { LockService, WithLock } from 'nestjs-etcd-lock';

@Injectable()
export class AppService {
  private seats = 0;

  constructor(private readonly locks: LockService) {}

  /** A read-modify-write with a pause in the middle: only the lock keeps it exact. */
  @WithLock('seats')
  async reserve(): Promise<{ seat: number; token: string }> {
    const seat = this.seats + 1;
    await new Promise((resolve) => setImmediate(resolve));
    this.seats = seat;
    return { seat, token: String(this.locks.current('seats')?.fencingToken) };
  }

  @WithLock('report', { onLocked: 'skip' })
  async report(): Promise<string | undefined> {
    return 'ran';
  }
}
