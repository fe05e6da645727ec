import { hostname } from 'node:os';

/** What an entry's value says by default: which process holds it, for operators and `leader()`. */
export const PROCESS_OWNER = `${hostname()}/${process.pid}`;

/** A lock entry's value: its process and when it queued (`host/pid@epochMs`), a few bytes. */
export const lockEntryValue = (): string => `${PROCESS_OWNER}@${Date.now()}`;

/**
 * The value a force-release writes into a held key just before deleting it, so that the
 * holder, which sees the delete with the previous value, can say why it lost the lock.
 */
export const FORCE_RELEASED = '\0force-released:';

/** What can be read from an entry's value: ours say who and since when; others may not. */
export interface EntryOwner {
  owner?: string;
  hostname?: string;
  pid?: number;
  since?: Date;
}

const OWNER_VALUE = /^(.+)\/(\d+)(?:@(\d+))?$/;

export function parseEntryValue(value: string): EntryOwner {
  const match = OWNER_VALUE.exec(value);
  if (!match) return {};
  const [, host, pid, since] = match;
  return {
    owner: `${host}/${pid}`,
    hostname: host,
    pid: Number(pid),
    since: since === undefined ? undefined : new Date(Number(since)),
  };
}
