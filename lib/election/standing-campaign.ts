import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import type { Leadership } from './leadership.interface.js';
import { onFirstAbort } from '../lock/abort-signals.js';

/** Backoff after a failed campaign (etcd unreachable): from 1 s, doubling, up to 30 s. */
const FIRST_PAUSE_MS = 1_000;
const LONGEST_PAUSE_MS = 30_000;

/**
 * Campaigns for one election for as long as the application runs: again after every loss, and
 * after a pause when etcd cannot be reached. `stop()` ends the campaigning and `resign()` the
 * leadership, so the next replica leads at once. This is what `@OnlyLeader` relies on.
 */
export class StandingCampaign {
  private readonly stopped = new AbortController();
  private leadership: Leadership | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly name: string,
    private readonly campaign: (name: string, signal: AbortSignal) => Promise<Leadership>,
    private readonly logger: Logger,
  ) {
    this.done = this.run();
  }

  /** Stops campaigning; a leadership held now is kept until `resign()`. */
  async stop(): Promise<void> {
    this.stopped.abort();
    await this.done;
  }

  async resign(): Promise<void> {
    await this.leadership?.resign();
  }

  private async run(): Promise<void> {
    let pause = FIRST_PAUSE_MS;
    while (!this.stopped.signal.aborted) {
      try {
        this.leadership = await this.campaign(this.name, this.stopped.signal);
        pause = FIRST_PAUSE_MS;
        await untilFirstAbort([this.leadership.signal, this.stopped.signal]);
      } catch (error) {
        if (this.stopped.signal.aborted) return;
        const why = error instanceof Error ? error.message : String(error);
        this.logger.warn(`campaign for "${this.name}" failed, again in ${pause} ms: ${why}`);
        await sleep(pause, undefined, { signal: this.stopped.signal }).catch(() => undefined);
        pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
      }
    }
  }
}

function untilFirstAbort(signals: readonly AbortSignal[]): Promise<void> {
  if (signals.some((s) => s.aborted)) return Promise.resolve();
  return new Promise((resolve) => onFirstAbort(signals, () => resolve()));
}
