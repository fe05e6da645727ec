import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RESULTS = 'build/fault-results';
const EXPECTED = [
  'Contention',
  'Holder killed (SIGKILL)',
  'Semaphore holder killed (SIGKILL)',
  'Holder of two names killed (SIGKILL)',
  'Holder frozen (SIGSTOP > ttl)',
  'etcd restarted, outage < ttl',
  'etcd restarted, outage > ttl',
  'etcd restarted, outage > ttl, 3 replicas campaigning',
  'Leader killed (3-member cluster)',
  'Grey failure: follower frozen, ttl 10 (default)',
  'Grey failure: follower frozen, ttl 4',
  'Grey failure: leader frozen, ttl 10 (default)',
  'Grey failure: leader frozen, ttl 4',
  'Grey failure: member partitioned (veth link down), etcd defaults',
  'Grey failure: member partitioned (veth link down), --pre-vote',
  'Grey failure: member cut off from its peers, clients still reach it (20 s)',
  'Grey failure: member turns 250 ms slower each way (userspace proxy)',
  'Go client (etcdctl lock --ttl 10), its member frozen',
  'Go client (etcdctl lock), waiting on a member cut off from its peers',
  'Holder alone cut off from etcd (its own network namespace), ttl 4',
  "Waiter's key deleted while it waits, freshly started process",
  "Waiter's key deleted while it waits, warm process",
  "Waiter's lease revoked while it waits, freshly started process",
  "Waiter's lease revoked while it waits, warm process",
  'Middle of three waiters leaves: plain lock (etcd3 #176)',
  'Middle of three waiters leaves: writer, reader in the middle, reader last (etcd #16221)',
  'Middle of three waiters leaves: writer, writer in the middle, reader last',
  'Compaction past the waiter’s revision mid-wait (etcd #9715)',
  'Elected leader shut down gracefully',
  'Elected leader killed (SIGKILL)',
  'Elected leader frozen (SIGSTOP > ttl)',
  'Leader-only work, leader killed',
  '@OnlyLeader through a rolling restart of 3 replicas',
  'Leadership force-released 5 times in a row, also mid-campaign',
  'Election observer, its member frozen',
  'Election observer, leaders change while its member is frozen (etcd #18163)',
  'Semaphore waiter, its member frozen',
  'Read waiter, its member frozen',
  'Held key deleted by someone else',
  'Lock lost while etcd is frozen, ttl 4',
  'Quorum lost (2 of 3 down)',
  'Lost acquire reply',
  'Acquire given up, applied late',
  'Acquire given up after etcd applied it',
  'Batch of acquires, reply lost',
  'Lost release reply',
  'Release sent twice, the first applied late',
  'Bad input catalogue',
  'Security (TLS + auth)',
  '3000 waiters on one name in one process',
  '10,000 waiters on distinct names in one process',
  'list() over 10,000 held locks',
  'list() over 100,000 held locks',
  'Soak',
];

interface FaultRecord {
  scenario: string;
  invariant: string;
  figure: string;
  at: string;
}

/** `npm run report:faults`: docs/reliability.md from the records `npm run test:faults` wrote. */
function main(): void {
  const records = existsSync(RESULTS)
    ? readdirSync(RESULTS).map(
        (f) => JSON.parse(readFileSync(join(RESULTS, f), 'utf8')) as FaultRecord,
      )
    : [];
  const byName = new Map(records.map((r) => [r.scenario, r]));
  const rows = EXPECTED.map((name) => {
    const r = byName.get(name);
    return r
      ? `| ${name} | ${r.invariant} | held | ${r.figure} |`
      : `| ${name} | — | **not run or failed** | — |`;
  });
  const times = records.map((r) => r.at).sort();
  const doc = [
    '# Reliability',
    '',
    'Written by `npm run report:faults` from the records of `npm run test:faults` (every scenario',
    'records its figures only after all of its assertions passed). Each scenario runs against real',
    'etcd processes on loopback and checks its invariant with a checker, not by reading logs.',
    times.length ? `Run: ${times[0]} to ${times.at(-1)}.` : 'No run recorded yet.',
    '',
    '| scenario | invariant | result | measured |',
    '|---|---|---|---|',
    ...rows,
    '',
    '## What is guaranteed, and what only with fencing',
    '',
    '- **Without fencing**, the lock guarantees mutual exclusion as long as every holder keeps',
    '  running and can reach etcd. A holder that is paused or cut off past its TTL (the frozen',
    '  holder above) can still be executing when the next holder gets in. The library tells it as',
    '  soon as it runs again (`signal` aborts with `LockLostError`, `withLock`/`@WithLock` reject),',
    '  but code already past its last check cannot be stopped.',
    '- **With fencing** (`lock.ifHeld()` for data in etcd, or `fencingToken` checked by the resource),',
    "  a stale holder's writes are rejected: the frozen holder's fenced write above failed while the",
    "  new holder's succeeded. This is the only way to make a lease lock safe against pauses.",
    '- Lock loss is reported no later than the server can expire the lease: the client counts the',
    '  TTL from when each renewal was *sent*, on a monotonic clock.',
    '- etcd failures: an outage shorter than the TTL is invisible to holders; a longer one is',
    '  reported as loss. Without quorum, calls fail with `LockAcquireError` after `retries`, and no',
    '  wait outlasts `waitTimeout`.',
    '',
    '## Grey failures: a member alive but silent',
    '',
    '- Each replica talks to one member at a time, the one that last answered, through a client of',
    '  its own for each member. A request or lease renewal that gets no answer within `callTimeout`',
    '  (1 s) goes at once to the next member, and the silent one is skipped for 5 s. A heartbeat',
    '  every 500 ms finds a silent member even when no call is in flight, and moves the waits',
    '  whose watch ran on it. In the scenarios above every replica lists the faulty member first,',
    '  the worst case for this scheme.',
    '- A frozen or partitioned **follower** costs no lock, with the default TTL and with `ttl: 4`.',
    "- With `ttl: 4` a frozen **leader** can cost the held locks on the client's own deadline",
    '  (2 of 4 runs at the last stop): the last renewal can be TTL/3 old at the freeze, the',
    '  election takes 2 to 2.5 s, and the renewal in flight then waits out its TTL/6 timeout, which',
    '  adds up to more than 4 s. The locks are reported lost, never kept silently. Use a TTL of at',
    '  least 5 s with a cluster that elects in 2.5 s.',
    '- A frozen **leader** stalls writes until the other members elect a new one (about 2 to 2.5 s',
    '  here). After the thaw, etcd 3.4 can revoke leases that clients renewed correctly through the',
    '  new leader (etcd-io/etcd #15247 and #12528, fixed in 3.4.31 and 3.5.13; the 3.4.23 that',
    '  Debian ships shows it). No client can prevent that. The held-key watch reports each such',
    '  lock as lost as soon as its key is deleted; the leader rows say how often it happened, and',
    '  the module warns at start-up when etcd runs an affected release.',
    '- A **partitioned** member that rejoins with a higher Raft term unseats the leader when',
    '  `--pre-vote` is off (the 3.4 default): the stall after the heal in the "etcd defaults" row is',
    '  that election. With `--pre-vote` the heal costs nothing. Run 3.4 clusters with `--pre-vote`.',
    '- A member **cut off from its peers** while clients still reach it answers, but has no leader',
    '  and sees no new writes. Every watch and lease stream carries `hasleader` (Go:',
    '  `WithRequireLeader`), so such a member cancels them, and a status that reports no leader',
    '  counts as silent: its watches and waits move at once. Before that, a waiter on it was served',
    '  only after the heal.',
    '- A member that turns **slow** still answers, so no timeout fires. The heartbeat also asks one',
    '  other member per beat, and the member in use is left once it answers 3x slower than the',
    '  fastest other (+25 ms).',
    '- The Go client rows are the yardstick: `etcdctl lock` with the same endpoints and the same',
    '  fault, recorded as it behaved.',
    '',
    ...modelSection(),
  ].join('\n');
  mkdirSync('docs', { recursive: true });
  writeFileSync('docs/reliability.md', doc);
  console.log(doc);
  const missing = EXPECTED.filter((n) => !byName.has(n));
  if (missing.length) {
    console.error(`missing scenarios: ${missing.join(', ')}`);
    process.exitCode = 1;
  }
}

main();

/** What `npm run model` checked in the same CI run, if it ran: one line per property. */
function modelSection(): string[] {
  const summary = 'build/model/summary.txt';
  const lines = existsSync(summary) ? readFileSync(summary, 'utf8').trim().split('\n') : [];
  return [
    '## Model-checked: every interleaving within bounds',
    '',
    'The protocol is also modelled in Promela (`model/`, mapped to the source in',
    '`model/README.md`) and checked with spin by `npm run model`. The bounds: 2 and 3 clients on',
    'one name (two on two names for the multi-name check), one retry after a lost enqueue reply, a',
    'lease that may expire at any moment (which is also what a paused holder sees), and enqueues and',
    'releases applied late or never. Within them spin explores every interleaving.',
    '',
    ...(lines.length
      ? ['```', ...lines, '```']
      : ['(`npm run model` did not run before this report.)']),
    '',
  ];
}
