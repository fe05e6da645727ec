import type { LoggerService } from '@nestjs/common';

/** Collects what reaches Nest's logger from the lock module (context `EtcdLock`). */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(): void {}
  error(): void {}
  warn(message: string, context?: string): void {
    if (context === 'EtcdLock') this.lines.push(`warn ${message}`);
  }
  debug(message: string, context?: string): void {
    if (context === 'EtcdLock') this.lines.push(`debug ${message}`);
  }
}
