import type { Meter } from '@opentelemetry/api';
import type { LockEvent } from '../interfaces/lock-event.interface.js';
import { LockTimeoutError } from '../errors/lock-timeout.error.js';

/** The `lock.site` of a call that named none: a `LockService` call without `metricName`. */
export const UNNAMED_SITE = 'unnamed';

/** What became of one acquisition, as `etcd_lock.acquisitions` counts it. */
export type AcquisitionOutcome =
  'acquired' | 'contended' | 'skipped' | 'busy' | 'timed_out' | 'aborted' | 'unavailable' | 'lost';

/** How `lock.failed` counts: by the error's kind; anything not a timeout is etcd failing. */
function failureOutcome(error: unknown): AcquisitionOutcome {
  if (!(error instanceof LockTimeoutError)) return 'unavailable';
  if (error.kind === 'busy') return 'busy';
  return error.kind === 'timeout' ? 'timed_out' : 'aborted';
}

/**
 * Every metric instrument, and how each event moves them. Attributes stay low-cardinality:
 * `lock.site` is a method or a `metricName`, an election's name is fixed in code; lock names,
 * which often carry ids, go on spans only.
 */
export function lockInstruments(meter: Meter): (event: LockEvent) => void {
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, { unit: 's', description });
  const wait = seconds(
    'etcd_lock.wait.duration',
    'Time from asking for a lock until holding it or giving up',
  );
  const hold = seconds('etcd_lock.hold.duration', 'Time a lock was held, until released or lost');
  const late = seconds(
    'etcd_lock.renewal.lateness',
    'How late a lease renewal was sent, or answered, past its due time',
  );
  const count = (name: string, unit: string, description: string) =>
    meter.createCounter(name, { unit, description });
  const acquisitions = count(
    'etcd_lock.acquisitions',
    '{acquisition}',
    'Acquisitions by lock.site and lock.outcome: acquired, contended (after waiting in line), skipped, busy, timed_out, aborted, unavailable, lost',
  );
  const lost = count(
    'etcd_lock.lost',
    '{lock}',
    'Locks lost while held (lease expired or revoked)',
  );
  const leadership = count(
    'etcd_lock.leadership.changes',
    '{change}',
    'Elections this process began to lead (elected) or stopped leading (lost)',
  );
  const missed = count(
    'etcd_lock.job.missed',
    '{tick}',
    'Ticks of @OncePerTick jobs that no replica ran',
  );
  const alerts = count(
    'etcd_lock.alerts',
    '{alert}',
    'Locks held or waited for longer than the alerts option allows',
  );
  const held = meter.createUpDownCounter('etcd_lock.held', {
    unit: '{lock}',
    description: 'Locks this process holds now',
  });
  const leader = meter.createUpDownCounter('etcd_lock.leader', {
    unit: '{leader}',
    description:
      '1 while this process leads the election: sum by election above 1 is a split brain, 0 no leader',
  });

  return (event) => {
    const site = { 'lock.site': ('metricName' in event && event.metricName) || UNNAMED_SITE };
    const outcome = (name: AcquisitionOutcome) =>
      acquisitions.add(1, { ...site, 'lock.outcome': name });
    switch (event.kind) {
      case 'lock.acquired':
        wait.record(event.waitedMs / 1000, { ...site, 'lock.outcome': 'acquired' });
        held.add(1);
        return outcome(event.queued ? 'contended' : 'acquired');
      case 'lock.failed':
        wait.record(event.waitedMs / 1000, { ...site, 'lock.outcome': 'failed' });
        return outcome(failureOutcome(event.error));
      case 'lock.skipped':
        return outcome('skipped');
      case 'lock.released':
        hold.record(event.heldMs / 1000, { ...site, 'lock.outcome': 'released' });
        return held.add(-1);
      case 'lock.lost':
        hold.record(event.heldMs / 1000, { ...site, 'lock.outcome': 'lost' });
        lost.add(1, site);
        outcome('lost');
        return held.add(-1);
      case 'lock.renewal-late':
        return late.record(event.lateMs / 1000, { 'renewal.phase': event.phase });
      case 'lock.held-too-long':
        return alerts.add(1, { 'alert.kind': 'held-too-long' });
      case 'lock.waiting-too-long':
        return alerts.add(1, { 'alert.kind': 'waiting-too-long' });
      case 'leader.elected':
        leader.add(1, { election: event.key });
        return leadership.add(1, { 'leader.outcome': 'elected' });
      case 'leader.lost':
        leader.add(-1, { election: event.key });
        return leadership.add(1, { 'leader.outcome': 'lost' });
      case 'leader.resigned':
        return leader.add(-1, { election: event.key });
      case 'job.missed':
        return missed.add(event.ticks.length, { 'job.name': event.key });
    }
  };
}
