import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onFirstAbort } from '../../../lib/lock/abort-signals.js';
import { AttemptGate } from '../../../lib/lock/attempt-gate.js';

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

  it("a gate's wait in line aborts with the reason of whichever stops first: the caller or the session", () => {
    const session = new AbortController();
    const sessionWait = new AttemptGate().waitInLine(session.signal);
    session.abort(new Error('lease gone'));
    expect((sessionWait.reason as Error).message).toBe('lease gone');
    const gate = new AttemptGate();
    const callerWait = gate.waitInLine(new AbortController().signal);
    const signal = callerWait.signal;
    gate.abort('timed out');
    expect(callerWait.reason).toBe('timed out');
    expect(signal.reason).toBe('timed out');
    expect(() => callerWait.throwIfAborted()).toThrow('timed out');
    expect(gate.aborted).toBe(true);
  });

  it("a gate's wait in line is already aborted when the session was, and adds no listener then", () => {
    const session = AbortSignal.abort('early');
    const wait = new AttemptGate().waitInLine(session);
    expect(wait.aborted).toBe(true);
    expect(wait.signal.reason).toBe('early');
    expect(getEventListeners(session, 'abort')).toHaveLength(0);
  });

  it('a wait in line calls its one listener once, and not after the listener left', () => {
    const gate = new AttemptGate();
    const wait = gate.waitInLine(new AbortController().signal);
    const calls: string[] = [];
    const left = { handleEvent: () => calls.push('left') };
    const kept = { handleEvent: () => calls.push('kept') };
    wait.listen(left);
    wait.unlisten(left);
    wait.listen(kept);
    gate.abort('stop');
    gate.abort('again');
    expect(calls).toEqual(['kept']);
  });

  it('an ended wait is detached from the long-lived session, and the gate no longer aborts it', () => {
    const session = new AbortController();
    const gates = Array.from({ length: 100 }, () => new AttemptGate());
    const waits = gates.map((gate) => gate.waitInLine(session.signal));
    waits.forEach((wait) => wait.end());
    gates.forEach((gate) => gate.abort('caller left'));
    const kept = new AttemptGate().waitInLine(session.signal);
    session.abort('late');
    expect(waits.every((wait) => !wait.aborted)).toBe(true);
    expect(kept.reason).toBe('late');
    expect(getEventListeners(session.signal, 'abort').length).toBeLessThanOrEqual(1);
  });
});
