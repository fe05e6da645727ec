import { Body, Controller, Get, Post } from '@nestjs/common';
import { LockService, WithLock } from '../../lib/index.js';
import { CounterStore } from './counter.store.js';

export interface TransferBody {
  from: string;
  to: string;
  amount: number;
}

/** Routes guarded by the lock shapes: two accounts at once, and a catalogue read by many. */
@Controller('accounts')
export class AccountsController {
  constructor(
    private readonly counter: CounterStore,
    private readonly locks: LockService,
  ) {}

  /** Two plain read-then-write updates: without both locks, concurrent transfers lose money. */
  @Post('transfer')
  @WithLock((body: TransferBody) => [`account:${body.from}`, `account:${body.to}`], {
    waitTimeout: 30_000,
  })
  async transfer(@Body() body: TransferBody): Promise<{ keys: readonly string[] }> {
    await this.counter.add(`account-${body.from}`, -body.amount);
    await this.counter.add(`account-${body.to}`, body.amount);
    return { keys: this.locks.current(`account:${body.from}`)?.keys ?? [] };
  }

  @Get('balances')
  async balances(): Promise<Record<string, number>> {
    const names = ['a', 'b', 'c', 'd'];
    const values = await Promise.all(names.map((n) => this.counter.read(`account-${n}`)));
    return Object.fromEntries(names.map((n, i) => [n, values[i]!]));
  }

  @Get('catalog')
  @WithLock('catalog', { mode: 'read' })
  async readCatalog(): Promise<{ mode: string | undefined }> {
    return { mode: this.locks.current('catalog')?.mode };
  }
}
