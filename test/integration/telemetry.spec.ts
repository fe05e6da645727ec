import * as api from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockTimeoutError } from '../../lib/index.js';
import { revokeLeaseOf, uniquePrefix, useLockApp } from '../support/lock-app.js';

// The SDK starts before the app, as the README says it must.
const spans = new InMemorySpanExporter();
const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({
  exporter: metrics,
  exportIntervalMillis: 60_000,
});
beforeAll(() => {
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
  api.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});
afterAll(() => {
  api.trace.disable();
  api.metrics.disable();
  api.context.disable();
});

describe('OpenTelemetry metrics and spans', () => {
  const fx = useLockApp({ prefix: uniquePrefix('otel'), ttl: 3 });

  it('records wait and hold histograms, the held gauge, losses, and a span per acquisition', async () => {
    const parent = api.trace.getTracer('test').startSpan('request');
    await api.context.with(api.trace.setSpan(api.context.active(), parent), async () => {
      await fx.locks.withLock('otel-a', () => undefined);
      const lost = await fx.locks.acquire('otel-b');
      await revokeLeaseOf(fx.etcd, lost);
      if (!lost.signal.aborted) await new Promise((r) => lost.signal.addEventListener('abort', r));
      const held = await fx.locks.acquire('otel-c');
      await expect(fx.locks.acquire('otel-c', { waitTimeout: 50 })).rejects.toBeInstanceOf(
        LockTimeoutError,
      );
      await held.release();
    });
    parent.end();

    const acquireSpans = spans.getFinishedSpans().filter((s) => s.name === 'lock.acquire');
    expect(
      acquireSpans.map((s) => [s.attributes['lock.key'], s.attributes['lock.outcome']]),
    ).toEqual([
      ['otel-a', 'acquired'],
      ['otel-b', 'acquired'],
      ['otel-c', 'acquired'],
      ['otel-c', 'failed'],
    ]);
    for (const span of acquireSpans) {
      expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    }
    expect(acquireSpans[3]!.status.code).toBe(api.SpanStatusCode.ERROR);

    await reader.forceFlush();
    const exported = metrics
      .getMetrics()
      .at(-1)!
      .scopeMetrics.find((s) => s.scope.name === 'nestjs-etcd-lock')!;
    const byName = new Map(exported.metrics.map((m) => [m.descriptor.name, m.dataPoints]));
    const sum = (name: string) =>
      (byName.get(name) ?? []).reduce((total, p) => total + Number(p.value as number), 0);
    const count = (name: string, outcome: string) =>
      (byName.get(name) ?? [])
        .filter((p) => p.attributes['lock.outcome'] === outcome)
        .reduce((total, p) => total + (p.value as { count: number }).count, 0);
    expect(count('etcd_lock.wait.duration', 'acquired')).toBe(3);
    expect(count('etcd_lock.wait.duration', 'failed')).toBe(1);
    expect(count('etcd_lock.hold.duration', 'released')).toBe(2);
    expect(count('etcd_lock.hold.duration', 'lost')).toBe(1);
    expect(sum('etcd_lock.held')).toBe(0);
    expect(sum('etcd_lock.lost')).toBe(1);
  });
});
