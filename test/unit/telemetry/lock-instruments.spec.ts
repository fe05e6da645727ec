import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { LockAcquireError, LockLostError, LockTimeoutError } from '../../../lib/index.js';
import { lockEvent } from '../../../lib/events/lock-event.factory.js';
import { lockInstruments } from '../../../lib/telemetry/lock-instruments.js';

/** The instruments on a meter of their own, and the points of one metric after some events. */
function instruments() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const record = lockInstruments(new MeterProvider({ readers: [reader] }).getMeter('test'));
  const points = async (name: string) => {
    await reader.forceFlush();
    const metric = exporter
      .getMetrics()
      .at(-1)!
      .scopeMetrics[0]!.metrics.find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? []).map((p) => ({ ...p.attributes, value: p.value }));
  };
  return { record, points };
}

const failed = (error: LockTimeoutError | LockAcquireError) =>
  lockEvent('lock.failed', { key: 'cart:9', waitedMs: 5, error, metricName: 'checkout' });

describe('lock metric instruments', () => {
  it('counts each failure by what it was: busy, timed out, aborted, shut down, unavailable', async () => {
    const { record, points } = instruments();
    const timeout = (kind: LockTimeoutError['kind']) =>
      new LockTimeoutError({ key: 'cart:9', waitedMs: 5, kind });
    for (const kind of ['busy', 'timeout', 'aborted', 'shutdown'] as const)
      record(failed(timeout(kind)));
    record(failed(new LockAcquireError({ key: 'cart:9', attempts: 4, reason: 'ECONNREFUSED' })));
    const error = new LockLostError({ key: 'cart:9', reason: 'lease expired' });
    const lost = { key: 'cart:9', fencingToken: 3n, heldMs: 9, error, metricName: 'checkout' };
    record(lockEvent('lock.lost', lost));
    expect(await points('etcd_lock.acquisitions')).toEqual(
      expect.arrayContaining(
        [
          ['busy', 1],
          ['timed_out', 1],
          ['aborted', 2],
          ['unavailable', 1],
          ['lost', 1],
        ].map(([outcome, value]) => ({ 'lock.site': 'checkout', 'lock.outcome': outcome, value })),
      ),
    );
    expect(await points('etcd_lock.lost')).toEqual([{ 'lock.site': 'checkout', value: 1 }]);
  });

  it('holds the leader gauge at 1 while leading, and back to 0 on loss or resignation', async () => {
    const { record, points } = instruments();
    const error = new LockLostError({ key: 'billing', reason: 'lease expired' });
    record(lockEvent('leader.elected', { key: 'billing', term: 1n }));
    record(lockEvent('leader.elected', { key: 'reports', term: 4n }));
    expect(await points('etcd_lock.leader')).toEqual([
      { election: 'billing', value: 1 },
      { election: 'reports', value: 1 },
    ]);
    record(lockEvent('leader.lost', { key: 'billing', term: 1n, error }));
    record(lockEvent('leader.resigned', { key: 'reports', term: 4n }));
    expect((await points('etcd_lock.leader')).map((p) => p.value)).toEqual([0, 0]);
  });

  it('labels a call without metricName unnamed, never with its lock name', async () => {
    const { record, points } = instruments();
    record(lockEvent('lock.skipped', { key: 'user:42:sync' }));
    expect(await points('etcd_lock.acquisitions')).toEqual([
      { 'lock.site': 'unnamed', 'lock.outcome': 'skipped', value: 1 },
    ]);
  });
});
