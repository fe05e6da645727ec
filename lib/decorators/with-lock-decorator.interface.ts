import type { Observable } from 'rxjs';

/**
 * A method `@WithLock` can hold a lock around: one that returns a Promise (held until it
 * settles) or an Observable (held from subscription until it completes, errors or is
 * unsubscribed). A synchronous method does not compile: make it `async`.
 */
// oxlint-disable-next-line typescript/no-explicit-any -- any parameter list must fit
export type LockableMethod = (...args: any[]) => PromiseLike<unknown> | Observable<unknown>;

/** What a lockable method resolves to or emits. */
export type Settled<R> = R extends Observable<infer V> ? V : Awaited<R>;

/** Fails to compile unless the method's declared result admits `undefined`. */
export type AdmitsUndefined<M> = M extends (...args: never[]) => infer R
  ? undefined extends Settled<R>
    ? unknown
    : { "onLocked: 'skip' resolves undefined: declare Promise<T | undefined>": never }
  : unknown;

/** The decorator `@WithLock` returns. */
export type WithLockDecorator = <M extends LockableMethod>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void;

/**
 * With `onLocked: 'skip'` a call that finds the lock held resolves `undefined` (an Observable
 * emits it once) without running the method, so its declared result must admit `undefined`.
 */
export type SkippingWithLockDecorator = <M extends LockableMethod>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<M> & AdmitsUndefined<M>,
) => void;

/**
 * The decorator `@OnlyLeader` returns: for async methods whose declared result admits
 * `undefined`, which a replica that does not lead resolves to.
 */
export type OnlyLeaderDecorator = <
  // oxlint-disable-next-line typescript/no-explicit-any -- any parameter list must fit
  M extends (...args: any[]) => PromiseLike<unknown>,
>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<M> & AdmitsUndefined<M>,
) => void;
