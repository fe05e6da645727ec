import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkSignals, onFirstAbort } from '../../lib/lock/abort-signals.js';

describe('abort-signal helpers', () => {
  it('onFirstAbort calls the listener once, with the first signal to abort', () => {
    const [a, b] = [new AbortController(), new AbortController()];
    const seen: AbortSignal[] = [];
    onFirstAbort([a.signal, b.signal], (s) => seen.push(s));
    b.abort('b');
    a.abort('a');
    expect(seen).toEqual([b.signal]);
  });

  it('onFirstAbort leaves no listener on any source once one fired or it was detached', () => {
    const [a, b] = [new AbortController(), new AbortController()];
    onFirstAbort([a.signal, b.signal], () => undefined);
    a.abort();
    expect(getEventListeners(b.signal, 'abort')).toHaveLength(0);
    const c = new AbortController();
    const detach = onFirstAbort([c.signal], () => undefined);
    detach();
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
  });

  it('linkSignals aborts with the reason of the source that aborted', () => {
    const source = new AbortController();
    const { signal } = linkSignals([new AbortController().signal, source.signal]);
    source.abort(new Error('why'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('why');
  });

  it('linkSignals is already aborted when a source was, and adds no listener then', () => {
    const source = AbortSignal.abort('early');
    const { signal } = linkSignals([source]);
    expect(signal.reason).toBe('early');
    expect(getEventListeners(source, 'abort')).toHaveLength(0);
  });

  it('unlink detaches the linked signal from long-lived sources', () => {
    const longLived = new AbortController();
    for (let i = 0; i < 100; i++) linkSignals([longLived.signal]).unlink();
    expect(getEventListeners(longLived.signal, 'abort')).toHaveLength(0);
  });
});
