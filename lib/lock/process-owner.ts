import { hostname } from 'node:os';

/** What an entry's value says by default: which process holds it, for operators and `leader()`. */
export const PROCESS_OWNER = `${hostname()}/${process.pid}`;
