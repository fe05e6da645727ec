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
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EtcdLockModule,
  LeaderService,
  LockService,
  LockTimeoutError,
  WithLock,
} from '../../lib/index.js';
import { etcdHosts, revokeLeaseOf, uniquePrefix, useLockApp } from '../support/lock-app.js';

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

describe('per-lock metrics', () => {
  @Injectable()
  class Reports {
    @WithLock('otel-report', { onLocked: 'skip' })
    async send(): Promise<string | undefined> {
      return 'sent';
    }
  }

  it('counts acquisitions by lock.site (Class.method or metricName) and outcome, and leaders per election', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [EtcdLockModule.forRoot({ hosts: etcdHosts(), prefix: uniquePrefix('otel-site') })],
      providers: [Reports],
    }).compile();
    await moduleRef.init();
    const locks = moduleRef.get(LockService);
    const reports = moduleRef.get(Reports);
    const checkout = { metricName: 'checkout' };
    // Cumulative since the SDK started: what this test adds is the difference.
    const before = tallyOf(await exportedPoints('etcd_lock.acquisitions'));

    expect(await reports.send()).toBe('sent'); // acquired
    const held = await locks.acquire('otel-report');
    expect(await reports.send()).toBeUndefined(); // skipped
    await held.release();

    const first = await locks.acquire('cart:1', checkout); // acquired
    const queued = firstValueFrom(locks.events$.pipe(filter((e) => e.kind === 'lock.queued')));
    const second = locks.withLock('cart:1', () => 'paid', checkout); // contended
    await queued;
    await expect(locks.acquire('cart:1', { ...checkout, waitTimeout: 50 })).rejects.toBeInstanceOf(
      LockTimeoutError,
    ); // timed_out
    await first.release();
    expect(await second).toBe('paid');
    await locks.withLock('cart:2', () => undefined); // no metricName: unnamed

    const leaders = moduleRef.get(LeaderService);
    const leadership = await leaders.campaign('otel-election');
    const whileLeading = await exportedPoints('etcd_lock.leader');
    await leadership.resign();
    await moduleRef.close();

    const acquisitions = await exportedPoints('etcd_lock.acquisitions');
    const after = tallyOf(acquisitions);
    const tally = Object.fromEntries(
      Object.entries(after).map(([key, value]) => [key, value - (before[key] ?? 0)]),
    );
    expect(tally).toMatchObject({
      'Reports.send/acquired': 1,
      'Reports.send/skipped': 1,
      'checkout/acquired': 1,
      'checkout/contended': 1,
      'checkout/timed_out': 1,
      'unnamed/acquired': 3, // the two plain calls, and the campaign
    });
    // Never the lock names themselves: they carry ids.
    expect(acquisitions.map((p) => p.attributes['lock.site'])).not.toContain('cart:1');
    const election = (points: typeof whileLeading) =>
      points.find((p) => p.attributes.election === 'otel-election')?.value;
    expect(election(whileLeading)).toBe(1);
    expect(election(await exportedPoints('etcd_lock.leader'))).toBe(0);
    const waits = await exportedPoints('etcd_lock.wait.duration');
    expect(waits.some((p) => p.attributes['lock.site'] === 'checkout')).toBe(true);
  });
});

/** Counter values by `site/outcome`. */
function tallyOf(points: { attributes: api.Attributes; value: unknown }[]): Record<string, number> {
  return Object.fromEntries(
    points.map((p) => [
      `${p.attributes['lock.site']}/${p.attributes['lock.outcome']}`,
      Number(p.value),
    ]),
  );
}

/** The data points of one of the library's metrics, as the exporter got them just now. */
async function exportedPoints(
  name: string,
): Promise<{ attributes: api.Attributes; value: unknown }[]> {
  await reader.forceFlush();
  const scope = metrics
    .getMetrics()
    .at(-1)!
    .scopeMetrics.find((s) => s.scope.name === 'nestjs-etcd-lock')!;
  const metric = scope.metrics.find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: p.value }));
}
