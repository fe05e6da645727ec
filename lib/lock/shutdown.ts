import { SHUTTING_DOWN } from '../errors/shutting-down.message.js';

/** The abort reason of the shutdown signal, so waiters can tell it from a caller's abort. */
export class ShutdownSignal extends Error {
  constructor() {
    super(SHUTTING_DOWN);
  }
}
