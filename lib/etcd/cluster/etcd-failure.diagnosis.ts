import { BrokenCircuitError } from 'cockatiel';
import {
  EtcdAuthenticationFailedError,
  EtcdInvalidAuthTokenError,
  EtcdPermissionDeniedError,
  EtcdUserNotFoundError,
  GRPCDeadlineExceededError,
  isRecoverableError,
} from 'etcd3';
import { EtcdLockError } from '../../errors/etcd-lock.error.js';
import { type EtcdFailureCode, EtcdRequestError } from '../../errors/etcd-request.error.js';

/** Which member each failed request went to; errors are not ours to add fields to. */
const hostOf = new WeakMap<object, string>();

/** Remembers that `error` came from `host`, for the message if it reaches the user. */
export function recordFailedHost(error: unknown, host: string): void {
  if (typeof error === 'object' && error !== null && !hostOf.has(error)) hostOf.set(error, host);
}

/** Unavailable, deadline, leader change, open circuit: worth another try. */
export function isTransientEtcdError(error: unknown): boolean {
  return (
    error instanceof Error && (isRecoverableError(error) || error instanceof BrokenCircuitError)
  );
}

/**
 * The request never left the client: no connection to the member (refused, unresolved, or
 * never established). Nothing reached etcd, so nothing is in doubt and another member may
 * take it as it is. A reset or a deadline may follow a request etcd received.
 */
export function neverSent(error: unknown): boolean {
  return (
    error instanceof Error && /No connection established|ECONNREFUSED|ENOTFOUND/.test(error.message)
  );
}

/** Refused by a member without a leader (a `hasleader` stream, a cut-off member, an election). */
export function isLeaderless(error: unknown): boolean {
  return error instanceof Error && error.message.includes('no leader');
}

/** Named when a request did not go through `EtcdMembers`, which records the member. */
const UNKNOWN_HOST = 'the configured hosts';

type Diagnosis = [code: EtcdFailureCode, detail: string, hint: string];

const AUTH_FAILED: Diagnosis = [
  'AUTH_FAILED',
  'refused the credentials',
  'This etcd has authentication on: pass auth: { username, password } for an existing user.',
];
const PERMISSION_DENIED: Diagnosis = [
  'PERMISSION_DENIED',
  'denied access to the lock prefix',
  "Grant the user's role readwrite on the prefix: " +
    'etcdctl role grant-permission <role> --prefix=true readwrite <prefix>.',
];
const DEADLINE: Diagnosis = [
  'DEADLINE_EXCEEDED',
  'did not answer in time',
  'It may be down behind a firewall that drops packets, frozen, or partitioned; ' +
    'raise callTimeout only if it is merely slow.',
];

/** gRPC and etcd say what failed only in their messages; these are the ones users meet. */
const PATTERNS: [RegExp, Diagnosis][] = [
  [
    /ECONNREFUSED/,
    [
      'ECONNREFUSED',
      'refused the connection',
      'Is etcd running there? Check hosts (or ETCD_HOSTS).',
    ],
  ],
  [
    /ENOTFOUND|EAI_AGAIN|Name resolution failed/,
    ['ENOTFOUND', 'could not be resolved', 'Check the host name in hosts (or ETCD_HOSTS).'],
  ],
  [
    /SSL|TLS|certificate|handshake|EPROTO/i,
    [
      'TLS',
      'failed the TLS handshake',
      "Check credentials: the CA must have signed etcd's certificate; https:// needs a TLS etcd.",
    ],
  ],
  [
    /Protocol error|HTTP status code|Connection dropped|RST_STREAM/,
    [
      'NOT_ETCD',
      'answered, but not as an etcd gRPC endpoint',
      "Check the port: etcd's client port is usually 2379 (2380 is for peers); " +
        'a TLS-only etcd needs credentials and an https:// host.',
    ],
  ],
  [
    // What grpc-js reports when a plaintext client meets a TLS-only port: no errno, no status.
    /No connection established\. Last error: Failed to connect/,
    [
      'TLS',
      'dropped the connection before gRPC could start',
      'Often plaintext against a TLS-only etcd: use an https:// host and pass credentials.',
    ],
  ],
  [/user name is empty|authentication failed|invalid auth token/i, AUTH_FAILED],
  [/permission denied/i, PERMISSION_DENIED],
];

/**
 * Our own error for a failure of an etcd request: the member, the cause, a hint. The
 * library's own errors pass through as they are.
 */
export function describeEtcdFailure(error: unknown): unknown {
  if (error instanceof EtcdLockError) return error;
  const host = (typeof error === 'object' && error && hostOf.get(error)) || UNKNOWN_HOST;
  const [code, detail, hint] = diagnose(error);
  return new EtcdRequestError({ host, code, detail, hint, cause: error });
}

/** `request`, its failure described as `describeEtcdFailure` does. */
export async function described<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    throw describeEtcdFailure(error);
  }
}

function diagnose(error: unknown): Diagnosis {
  if (error instanceof EtcdPermissionDeniedError) return PERMISSION_DENIED;
  if (
    error instanceof EtcdAuthenticationFailedError ||
    error instanceof EtcdInvalidAuthTokenError ||
    error instanceof EtcdUserNotFoundError
  ) {
    return AUTH_FAILED;
  }
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, diagnosis] of PATTERNS) if (pattern.test(message)) return diagnosis;
  if (error instanceof GRPCDeadlineExceededError || /DEADLINE_EXCEEDED/.test(message)) {
    return DEADLINE;
  }
  if (/UNAVAILABLE/.test(message)) {
    return [
      'UNAVAILABLE',
      `is unavailable: ${message}`,
      'etcd may be restarting or without a leader.',
    ];
  }
  return ['ETCD_ERROR', `failed the request: ${message}`, 'See the cause for what etcd said.'];
}
