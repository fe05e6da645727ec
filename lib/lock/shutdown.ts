/** Said by every error and loss that the application's shutdown causes. */
export const SHUTTING_DOWN = 'the application is shutting down';

/** The abort reason of the shutdown signal, so waiters can tell it from a caller's abort. */
export class ShutdownSignal extends Error {
  constructor() {
    super(SHUTTING_DOWN);
  }
}
