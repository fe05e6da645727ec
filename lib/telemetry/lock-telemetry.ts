import { performance } from 'node:perf_hooks';
import type * as OpenTelemetry from '@opentelemetry/api';
import type { Observable, Subscription } from 'rxjs';
import type { LockEvent } from '../interfaces/lock-event.interface.js';
import { lockInstruments } from './lock-instruments.js';

type OpenTelemetryApi = typeof OpenTelemetry;
const SCOPE = 'nestjs-etcd-lock';

/**
 * Metrics and spans through `@opentelemetry/api`, if the app has it installed. Start the OTel
 * SDK before the Nest app: the metrics API has no proxy, so instruments bind at startup.
 */
export async function startLockTelemetry(
  events$: Observable<LockEvent>,
): Promise<Subscription | undefined> {
  const api = await loadOpenTelemetry();
  return api && recordLockTelemetry(events$, api);
}

export function recordLockTelemetry(
  events$: Observable<LockEvent>,
  api: OpenTelemetryApi,
): Subscription {
  const record = lockInstruments(api.metrics.getMeter(SCOPE));
  const tracer = api.trace.getTracer(SCOPE);
  const tracing = tracerRegistered(api);

  // Lock keys often carry ids, so they go on spans only, never on metric attributes.
  const span = (event: LockEvent & { key: string }, waitedMs: number, error?: Error) => {
    if (!tracing()) return;
    const startTime = performance.timeOrigin + performance.now() - waitedMs;
    const s = tracer.startSpan('lock.acquire', {
      startTime,
      attributes: { 'lock.key': event.key, 'lock.outcome': event.kind.slice('lock.'.length) },
    });
    if (event.kind === 'lock.acquired')
      s.setAttribute('lock.fencing_token', String(event.fencingToken));
    if (error) {
      s.recordException(error);
      s.setStatus({ code: api.SpanStatusCode.ERROR, message: error.message });
    }
    s.end();
  };

  return events$.subscribe((event) => {
    record(event);
    if (event.kind === 'lock.acquired') span(event, event.waitedMs);
    else if (event.kind === 'lock.failed') span(event, event.waitedMs, event.error);
    else if (event.kind === 'lock.skipped') span(event, 0);
  });
}

/**
 * Whether a tracer provider is registered now (an SDK may register after the module starts).
 * With none, every span is a no-op, yet making one was the largest single cost after etcd
 * answered an acquisition (about 12 µs): apps often get the API from a dependency, with no SDK.
 */
function tracerRegistered(api: OpenTelemetryApi): () => boolean {
  const none = new api.ProxyTracerProvider().getDelegate();
  return () => {
    const provider = api.trace.getTracerProvider();
    return !(provider instanceof api.ProxyTracerProvider) || provider.getDelegate() !== none;
  };
}

async function loadOpenTelemetry(): Promise<OpenTelemetryApi | undefined> {
  try {
    return await import('@opentelemetry/api');
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
