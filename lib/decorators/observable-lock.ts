import { Observable, type Subscription } from 'rxjs';

/** Runs `body` holding the lock (or not at all when skipped); stops waiting when `signal` aborts. */
export type RunLocked = (body: () => Promise<void>, signal: AbortSignal) => Promise<unknown>;

/**
 * An Observable that takes the lock when subscribed, then subscribes to `source()` under it and
 * releases when that completes, errors or is unsubscribed, the way Nest's interceptors treat a
 * handler. Nothing is locked until someone subscribes, and every subscription locks anew.
 * A skipped call emits `undefined` once, so Nest still has a response to send.
 */
export function lockAroundObservable<T>(
  runLocked: RunLocked,
  source: () => Observable<T>,
): Observable<T | undefined> {
  return new Observable<T | undefined>((subscriber) => {
    const unsubscribed = new AbortController();
    let inner: Subscription | undefined;
    let ran = false;
    const body = () =>
      new Promise<void>((resolve, reject) => {
        ran = true;
        // Unsubscribing ends the hold: the release then runs as after a completion.
        unsubscribed.signal.addEventListener('abort', () => resolve(), { once: true });
        if (unsubscribed.signal.aborted) return resolve();
        inner = source().subscribe({
          next: (value) => subscriber.next(value),
          error: reject,
          complete: resolve,
        });
      });
    runLocked(body, unsubscribed.signal).then(
      () => {
        if (!ran) subscriber.next(undefined);
        subscriber.complete();
      },
      // After an unsubscribe the subscriber is closed and ignores this (an aborted wait).
      (error: unknown) => subscriber.error(error),
    );
    return () => {
      inner?.unsubscribe();
      unsubscribed.abort();
    };
  });
}
