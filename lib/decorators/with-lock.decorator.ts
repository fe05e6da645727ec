import { Logger } from '@nestjs/common';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import type { WithLockOptions } from '../interfaces/lock-options.interface.js';
import type {
  SkippingWithLockDecorator,
  WithLockDecorator,
} from './with-lock-decorator.interface.js';
import { LockRunner } from '../runner/lock-runner.js';
import { parseDecoratorOptions } from '../options/lock-call.parser.js';
import { copyMethodMetadata } from './copy-method-metadata.js';
import { claimDecoratedName } from './decorated-names.js';
import { decoratedMethod, type InjectedProvider } from './decorated-method.js';
import { assertLockKeyForm, type LockKey, resolveLockKey } from './lock-key.resolver.js';
import { lockAroundObservable } from './observable-lock.js';

/**
 * Where Nest injects each decorated instance's lock runner (one per application): the module's
 * internal provider, which `LockService.withLock` runs on too.
 */
const RUNNER: InjectedProvider<LockRunner> = {
  token: LockRunner,
  property: Symbol('LockService from EtcdLockModule.forRoot()'),
};

/**
 * Holds the lock while the method runs, on controllers and plain providers alike: until its
 * Promise settles, or from subscription until its Observable completes, errors or is
 * unsubscribed. `ttl` (seconds) is the lease TTL; `retries` counts extra attempts after
 * transient etcd errors. The method's own errors pass through unchanged.
 */
export function WithLock(key: LockKey, ttl?: number, retries?: number): WithLockDecorator;
/** The options form: `onLocked: 'skip'` makes the method's declared result admit `undefined`. */
export function WithLock<const O extends WithLockOptions>(
  key: LockKey,
  options: O,
): O extends { onLocked: 'skip' } ? SkippingWithLockDecorator : WithLockDecorator;
export function WithLock(
  key: LockKey,
  ttlOrOptions?: number | WithLockOptions,
  retries?: number,
): WithLockDecorator {
  const lockKey = assertLockKeyForm(key);
  // Parsed once, here; unset timing options follow the module defaults at call time.
  const fixedCall = parseDecoratorOptions(ttlOrOptions, retries);
  return (target, propertyKey, descriptor) => {
    const decorated = decoratedMethod('@WithLock', [target, propertyKey, descriptor], RUNNER);
    const { original, method, where, kind, providerOf: runnerOf } = decorated;
    const site = `@WithLock on ${where}`;
    // Metrics name the method, never the (often per-id) lock name.
    const call = fixedCall.metricName ? fixedCall : { ...fixedCall, metricName: where };
    if (typeof lockKey !== 'function') {
      for (const name of typeof lockKey === 'string' ? [lockKey] : lockKey) {
        claimDecoratedName(name, '@WithLock', where);
      }
    }
    const wrapped =
      kind === 'observable'
        ? {
            [method](this: unknown, ...args: unknown[]) {
              const runner = runnerOf(this);
              const name = resolveLockKey(lockKey, this, args);
              return lockAroundObservable(
                (body, signal) => runner.runLocked(name, body, { ...call, signal }, site),
                () => original.apply(this, args) as Observable<unknown>,
              );
            },
          }[method]!
        : {
            async [method](this: unknown, ...args: unknown[]) {
              const runner = runnerOf(this);
              const name = resolveLockKey(lockKey, this, args);
              const body = () => original.apply(this, args);
              return runner.runLocked(
                name,
                kind === 'promise' ? body : () => settleUndeclared(body(), where),
                call,
                site,
              );
            },
          }[method]!;
    copyMethodMetadata(original, wrapped);
    descriptor.value = wrapped as typeof descriptor.value;
  };
}

const warned = new Set<string>();

/**
 * A method without a declared return type that returned an Observable: the caller already has
 * a Promise, so the lock is held until the Observable completes and the Promise gets its last
 * value. Nest responds the same; declaring `Observable<…>` keeps it an Observable.
 */
function settleUndeclared(result: unknown, where: string): unknown {
  if (!isObservable(result)) return result;
  if (!warned.has(where)) {
    warned.add(where);
    new Logger('EtcdLock').warn(
      `@WithLock on ${where}: it returned an Observable, so the lock is held until it ` +
        'completes and the method returns a Promise of its last value. To keep an Observable, ' +
        "declare the return type Observable<…> with rxjs' Observable imported as a value.",
    );
  }
  return lastValueFrom(result, { defaultValue: undefined });
}
