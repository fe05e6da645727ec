import type { LockErrorBody } from '../interfaces/lock-exception-filter-options.interface.js';

/** The parts of an Express response or a Fastify reply the filter uses. */
export interface HttpResponse {
  code?(status: number): HttpResponse;
  header?(name: string, value: string): HttpResponse;
  send?(body: unknown): void;
  status?(status: number): HttpResponse;
  setHeader?(name: string, value: string): void;
  json?(body: unknown): void;
}

/** Sends the body with `Retry-After` (left out at 0), on Fastify (`code`) or Express (`status`). */
export function sendLockError(
  response: HttpResponse,
  body: LockErrorBody,
  retryAfter: number,
): void {
  const header = retryAfter > 0 ? String(retryAfter) : undefined;
  if (typeof response.code === 'function') {
    const reply = response.code(body.statusCode);
    if (header) reply.header!('Retry-After', header);
    reply.send!(body);
  } else {
    if (header) response.setHeader!('Retry-After', header);
    response.status!(body.statusCode).json!(body);
  }
}
