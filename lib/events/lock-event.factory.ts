import type {
  LegacyLockEventTypes,
  LockEvent,
  LockEventFields,
  LockEventKind,
} from '../interfaces/lock-event.interface.js';

const LEGACY_TYPES: LegacyLockEventTypes = {
  'lock.acquired': 'acquired',
  'lock.queued': 'queued',
  'lock.waited': 'waited',
  'lock.released': 'released',
  'lock.lost': 'lost',
  'lock.failed': 'failed',
  'lock.skipped': 'skipped',
  'lock.force-released': 'lock.force-released',
  'lock.renewal-late': 'lock.renewal-late',
  'lock.held-too-long': 'lock.held-too-long',
  'lock.waiting-too-long': 'lock.waiting-too-long',
  'leader.elected': 'leader.elected',
  'leader.lost': 'leader.lost',
  'leader.resigned': 'leader.resigned',
  'job.missed': 'job.missed',
};

/** An event of `kind`, carrying its deprecated `type` alias until that is removed. */
export function lockEvent<K extends LockEventKind>(kind: K, fields: LockEventFields[K]): LockEvent {
  return { kind, type: LEGACY_TYPES[kind], ...fields } as LockEvent;
}
