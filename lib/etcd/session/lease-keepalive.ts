import {
  castGrpcError,
  type Etcd3,
  GRPCDeadlineExceededError,
  type ILeaseKeepAliveResponse,
} from 'etcd3';

/**
 * One keepalive for `leaseId` on the member behind `client`, answered within `timeoutMs` or
 * rejected. The answer has a deadline because a frozen member accepts the request and never
 * answers: etcd3's own keepalive loop would wait on it for good.
 */
export async function keepAliveOnce(
  client: Etcd3,
  leaseId: string,
  timeoutMs: number,
): Promise<ILeaseKeepAliveResponse> {
  const stream = await client.leaseClient.leaseKeepAlive({ deadline: Date.now() + timeoutMs });
  // Errors after the answer (the stream closing) must not go unhandled.
  stream.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<ILeaseKeepAliveResponse>((resolve, reject) => {
      stream.on('data', resolve);
      stream.on('error', (error: Error) => reject(castGrpcError(error)));
      // The gRPC deadline should fire first; this covers a stream stuck before it was sent.
      const late = new GRPCDeadlineExceededError(`no keepalive answer within ${timeoutMs} ms`);
      timer = setTimeout(() => reject(late), timeoutMs + 250);
      stream.write({ ID: leaseId });
    });
  } finally {
    clearTimeout(timer);
    stream.end();
    (stream as { cancel?: () => void }).cancel?.();
  }
}
