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

  it('onFirstAbort calls no detached listener, and keeps one listener per source however many wait', () => {
    const [a, b] = [new AbortController(), new AbortController()];
    const seen: string[] = [];
    const detachers = Array.from({ length: 50 }, (_, i) =>
      onFirstAbort([a.signal, b.signal], () => seen.push(`w${i}`)),
    );
    expect(getEventListeners(a.signal, 'abort')).toHaveLength(1);
    expect(getEventListeners(b.signal, 'abort')).toHaveLength(1);
    detachers.slice(1).forEach((detach) => detach());
    a.abort();
    b.abort();
    expect(seen).toEqual(['w0']);
  });

  it('onFirstAbort skips a listener that another detached while the abort runs', () => {
    const source = new AbortController();
    const seen: string[] = [];
    let detachSecond = () => undefined as unknown;
    onFirstAbort([source.signal], () => (seen.push('first'), detachSecond()));
    detachSecond = onFirstAbort([source.signal], () => seen.push('second'));
    source.abort();
    expect(seen).toEqual(['first']);
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
    const links = Array.from({ length: 100 }, () => linkSignals([longLived.signal]));
    links.forEach((link) => link.unlink());
    const kept = linkSignals([longLived.signal]);
    longLived.abort('late');
    expect(links.every((link) => !link.signal.aborted)).toBe(true);
    expect(kept.signal.reason).toBe('late');
    expect(getEventListeners(longLived.signal, 'abort').length).toBeLessThanOrEqual(1);
  });
});
