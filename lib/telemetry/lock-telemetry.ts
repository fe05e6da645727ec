import { performance } from 'node:perf_hooks';
import type * as OpenTelemetry from '@opentelemetry/api';
import type { Observable, Subscription } from 'rxjs';
import type { LockEvent } from '../interfaces/lock-event.interface.js';

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
  const meter = api.metrics.getMeter(SCOPE);
  const tracer = api.trace.getTracer(SCOPE);
  const tracing = tracerRegistered(api);
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, { unit: 's', description });
  const wait = seconds(
    'etcd_lock.wait.duration',
    'Time from asking for a lock until holding it or giving up',
  );
  const hold = seconds('etcd_lock.hold.duration', 'Time a lock was held, until released or lost');
  const locks = (description: string) => ({ unit: '{lock}', description });
  const held = meter.createUpDownCounter('etcd_lock.held', locks('Locks this process holds now'));
  const lost = meter.createCounter(
    'etcd_lock.lost',
    locks('Locks lost while held (lease expired or revoked)'),
  );

  const leadership = meter.createCounter('etcd_lock.leadership.changes', {
    unit: '{change}',
    description: 'Elections this process began to lead (elected) or stopped leading (lost)',
  });

  const missed = meter.createCounter('etcd_lock.job.missed', {
    unit: '{tick}',
    description: 'Ticks of @OncePerTick jobs that no replica ran',
  });
  const alerts = meter.createCounter('etcd_lock.alerts', {
    unit: '{alert}',
    description: 'Locks held or waited for longer than the alerts option allows',
  });

  // Lock keys often carry ids, so they go on spans only, never on metric attributes.
  const span = (event: LockEvent, waitedMs: number, error?: Error) => {
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
    switch (event.kind) {
      case 'lock.acquired':
        wait.record(event.waitedMs / 1000, { 'lock.outcome': 'acquired' });
        held.add(1);
        return span(event, event.waitedMs);
      case 'lock.failed':
        wait.record(event.waitedMs / 1000, { 'lock.outcome': 'failed' });
        return span(event, event.waitedMs, event.error);
      case 'lock.skipped':
        return span(event, 0);
      case 'lock.released':
        hold.record(event.heldMs / 1000, { 'lock.outcome': 'released' });
        return held.add(-1);
      case 'lock.lost':
        hold.record(event.heldMs / 1000, { 'lock.outcome': 'lost' });
        lost.add(1);
        return held.add(-1);
      case 'lock.held-too-long':
        return alerts.add(1, { 'alert.kind': 'held-too-long' });
      case 'lock.waiting-too-long':
        return alerts.add(1, { 'alert.kind': 'waiting-too-long' });
      case 'leader.elected':
        return leadership.add(1, { 'leader.outcome': 'elected' });
      case 'leader.lost':
        return leadership.add(1, { 'leader.outcome': 'lost' });
      case 'job.missed':
        return missed.add(event.ticks.length, { 'job.name': event.key });
    }
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
