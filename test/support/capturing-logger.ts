import type { LoggerService } from '@nestjs/common';

/**
 * Collects what reaches Nest's logger from the lock module (context `EtcdLock`), and every
 * error line from any context.
 */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  readonly errors: unknown[][] = [];
  private waiters: { pattern: RegExp; resolve(line: string): void }[] = [];
  log(): void {}
  error(...args: unknown[]): void {
    this.errors.push(args);
  }
  warn(message: string, context?: string): void {
    if (context === 'EtcdLock') this.add(`warn ${message}`);
  }
  debug(message: string, context?: string): void {
    if (context === 'EtcdLock') this.add(`debug ${message}`);
  }

  /** Resolves with the first line, logged before or after the call, that matches `pattern`. */
  next(pattern: RegExp): Promise<string> {
    const seen = this.lines.find((line) => pattern.test(line));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }

  private add(line: string): void {
    this.lines.push(line);
    const matched = this.waiters.filter((w) => w.pattern.test(line));
    this.waiters = this.waiters.filter((w) => !matched.includes(w));
    for (const waiter of matched) waiter.resolve(line);
  }
}
