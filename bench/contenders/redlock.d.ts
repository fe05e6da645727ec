// redlock 5's package.json `exports` hides its own typings from TypeScript; this is the part we use.
declare module 'redlock' {
  import type { Redis } from 'ioredis';

  export class ExecutionError extends Error {}
  export interface Lock {
    release(): Promise<unknown>;
  }
  export default class Redlock {
    constructor(clients: Redis[], settings?: { retryCount?: number });
    acquire(resources: string[], duration: number): Promise<Lock>;
  }
}
