import { Logger } from '@nestjs/common';
import type { Observable, Subscription } from 'rxjs';
import type { LockLogLevel } from '../interfaces/etcd-lock-module-options.interface.js';
import type { LockEvent, LockEventKind } from '../interfaces/lock-event.interface.js';
import { printable } from '../options/printable-text.js';

/** Events worth a warning: a lock lost, and an operator taking one away. */
const WARNINGS: readonly LockEventKind[] = [
  'lock.lost',
  'leader.lost',
  'lock.force-released',
  'lock.renewal-late',
  'lock.held-too-long',
  'lock.waiting-too-long',
  'job.missed',
];

/** Sends lock events to Nest's `Logger`; warnings as warnings, the rest debug noise. */
export function logLockEvents(
  events$: Observable<LockEvent>,
  level: LockLogLevel,
  logger = new Logger('EtcdLock'),
): Subscription | undefined {
  if (level === 'none') return undefined;
  return events$.subscribe((event) => {
    // An operator's reason, or a key another client wrote, must not forge a log line.
    if (WARNINGS.includes(event.kind)) logger.warn(printable(describe(event)));
    else if (level === 'all') logger.debug(printable(describe(event)));
  });
}

const quoted = (keys: readonly string[]) => keys.map((key) => `"${key}"`).join(', ');

function describe(event: LockEvent): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  switch (event.kind) {
    case 'lock.acquired':
      return `acquired "${event.key}" (token ${event.fencingToken}) after ${ms(event.waitedMs)}`;
    case 'lock.queued':
      return `queued for "${event.key}"`;
    case 'lock.waited':
      return `waited ${ms(event.waitedMs)} in line for "${event.key}"`;
    case 'lock.released':
      return `released "${event.key}" after holding it ${ms(event.heldMs)}`;
    case 'lock.lost':
      return `lost "${event.key}" after holding it ${ms(event.heldMs)}: ${event.error.message}`;
    case 'lock.failed':
      return `could not acquire "${event.key}": ${event.error.message}`;
    case 'lock.skipped':
      return `skipped "${event.key}": held elsewhere`;
    case 'lock.force-released':
      return `force-released "${event.key}" (tokens ${event.fencingTokens.join(', ') || 'none'}): ${event.reason}`;
    case 'lock.renewal-late':
      return event.phase === 'sent'
        ? `lease ${event.key} (ttl ${event.ttl} s) was renewed ${ms(event.lateMs)} late: the event loop was blocked (a CPU-bound handler, a long GC). It had ${ms(event.remainingMs)} left; at 0 its locks (${quoted(event.keys)}) are lost`
        : `etcd answered the renewal of lease ${event.key} (ttl ${event.ttl} s) after ${ms(event.lateMs)}: a slow member, or a blocked event loop. It had ${ms(event.remainingMs)} left; at 0 its locks (${quoted(event.keys)}) are lost`;
    case 'lock.held-too-long':
      return `"${event.key}" (token ${event.fencingToken}) held longer than ${ms(event.heldMs)}`;
    case 'lock.waiting-too-long':
      return `waiting longer than ${ms(event.waitedMs)} for "${event.key}"`;
    case 'leader.elected':
      return `elected leader of "${event.key}" (term ${event.term})`;
    case 'job.missed':
      return `job "${event.key}" missed ${event.ticks.length} tick(s), the last at ${new Date(event.ticks.at(-1)!).toISOString()}: no replica ran it`;
    case 'leader.resigned':
      return `resigned the leadership of "${event.key}" (term ${event.term})`;
    case 'leader.lost':
      return `lost the leadership of "${event.key}" (term ${event.term}): ${event.error.message}`;
  }
}
