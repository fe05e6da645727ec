import { Inject, Optional, type Type } from '@nestjs/common';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import {
  LockModuleMissingError,
  type LockModuleMissingErrorOptions,
} from '../errors/lock-module-missing.error.js';
import { warnOfUnfilteredGateway } from './gateway-filter.check.js';
import { type MethodReturnKind, methodReturnKind } from './method-return.kind.js';

export type Method = (this: unknown, ...args: unknown[]) => unknown;

/** The decorators that run on an injected provider, as `LockModuleMissingError` names them. */
type Decorator = LockModuleMissingErrorOptions['decorator'];

/** The internal provider a decorator runs on, and where Nest puts it on each instance. */
export interface InjectedProvider<P> {
  readonly token: Type<P>;
  /** Nest names it in its missing-provider error, so its description says the fix. */
  readonly property: symbol;
}

/** What a method decorator needs to know about the method it wraps, checked once. */
export interface DecoratedMethod<P> {
  readonly original: Method;
  readonly method: string;
  /** `Class.method`, for messages. */
  readonly where: string;
  readonly kind: MethodReturnKind;
  /** The provider Nest injected into `self`; an instance made with `new` has none. */
  providerOf(self: unknown): P;
}

/**
 * Checks the decorated method once, and has Nest inject `provider` into every instance of its
 * class: the decorator's wrapper then finds the module through `this`, with no global state.
 */
export function decoratedMethod<P>(
  decorator: Decorator,
  [target, propertyKey, descriptor]: [object, string | symbol, { value?: unknown }],
  provider: InjectedProvider<P>,
): DecoratedMethod<P> {
  const className = target.constructor.name;
  const method = String(propertyKey);
  const where = `${className}.${method}`;
  if (typeof descriptor.value !== 'function') {
    throw new InvalidLockArgumentError({
      argument: `${decorator} target`,
      problem: `${where} is not a method`,
    });
  }
  const original = descriptor.value as Method;
  const kind = methodReturnKind(target, propertyKey, original, where, decorator);
  // Optional, so a missing module is reported in our words at boot (below), not Nest's.
  Inject(provider.token)(target, provider.property);
  Optional()(target, provider.property);
  checkAtModuleInit(target, { className, method, decorator }, provider.property);
  const providerOf = (self: unknown): P => {
    const found = (self as Record<symbol, P | undefined> | undefined)?.[provider.property];
    if (found == null) throw new LockModuleMissingError({ className, method, decorator });
    return found;
  };
  return { original, method, where, kind, providerOf };
}

const CHECKED = Symbol('checks the lock module at onModuleInit');

/**
 * Adds a check to the class's `onModuleInit` (its own still runs after): Nest then fails at
 * boot with `LockModuleMissingError`, naming the fix, when the module is not imported. The
 * first decorated method of a class names the class in the message.
 */
function checkAtModuleInit(
  target: object,
  found: LockModuleMissingErrorOptions,
  property: symbol,
): void {
  const proto = target as Record<PropertyKey, unknown>;
  type Checks = Map<symbol, LockModuleMissingErrorOptions>;
  const inherited = proto[CHECKED] as Checks | undefined;
  const checks: Checks = Object.hasOwn(proto, CHECKED) ? inherited! : new Map(inherited);
  if (!Object.hasOwn(proto, CHECKED)) {
    const own = proto.onModuleInit as ((...args: unknown[]) => unknown) | undefined;
    proto[CHECKED] = checks;
    proto.onModuleInit = function (this: Record<symbol, unknown>, ...args: unknown[]) {
      for (const [key, where] of checks) {
        if (this[key] == null) throw new LockModuleMissingError({ ...where, atBoot: true });
        if (where.decorator === '@WithLock') warnOfUnfilteredGateway(this, where.method);
      }
      return own?.apply(this, args);
    };
  }
  if (!checks.has(property)) checks.set(property, found);
}
