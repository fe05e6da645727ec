import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { type MethodReturnKind, methodReturnKind } from './method-return.kind.js';

export type Method = (this: unknown, ...args: unknown[]) => unknown;

/** What a method decorator needs to know about the method it wraps, checked once. */
export interface DecoratedMethod {
  readonly original: Method;
  readonly className: string;
  readonly method: string;
  /** `Class.method`, for messages. */
  readonly where: string;
  readonly kind: MethodReturnKind;
}

export function decoratedMethod(
  decorator: string,
  target: object,
  propertyKey: string | symbol,
  value: unknown,
): DecoratedMethod {
  const className = target.constructor.name;
  const method = String(propertyKey);
  const where = `${className}.${method}`;
  if (typeof value !== 'function') {
    throw new InvalidLockArgumentError({
      argument: `${decorator} target`,
      problem: `${where} is not a method`,
    });
  }
  const original = value as Method;
  const kind = methodReturnKind(target, propertyKey, original, where, decorator);
  return { original, className, method, where, kind };
}
