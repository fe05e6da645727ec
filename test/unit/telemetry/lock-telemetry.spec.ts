import * as api from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LockEvent } from '../../../lib/interfaces/lock-event.interface.js';
import { lockEvent } from '../../../lib/events/lock-event.factory.js';
import { recordLockTelemetry } from '../../../lib/telemetry/lock-telemetry.js';

const acquired = lockEvent('lock.acquired', {
  key: 'k',
  fencingToken: 7n,
  waitedMs: 1,
  queued: false,
});

afterEach(() => {
  api.trace.disable();
  vi.restoreAllMocks();
});

describe('lock telemetry spans', () => {
  it('makes no span while no tracer provider is registered, and spans once one is', () => {
    const events = new Subject<LockEvent>();
    const started = vi.spyOn(api.ProxyTracer.prototype, 'startSpan');
    const subscription = recordLockTelemetry(events, api);

    events.next(acquired);
    expect(started).not.toHaveBeenCalled();

    // An SDK registered after the module started still gets its spans.
    api.trace.setGlobalTracerProvider(new BasicTracerProvider());
    events.next(acquired);
    expect(started).toHaveBeenCalledTimes(1);
    subscription.unsubscribe();
  });
});
