import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';

/**
 * How `@WithLock` holds a lock around a method:
 * - `'promise'`: while the returned Promise runs;
 * - `'observable'`: from subscription until the Observable completes, errors or is unsubscribed;
 * - `'unknown'`: a plain function without a declared return type (TypeScript emits none for an
 *   inferred one). Decided per call from what it returns.
 */
export type MethodReturnKind = 'promise' | 'observable' | 'unknown';

/** Reads the declared return type that `emitDecoratorMetadata` records, which Nest apps enable. */
export function methodReturnKind(
  target: object,
  propertyKey: string | symbol,
  method: (...args: unknown[]) => unknown,
  where: string,
  decorator = '@WithLock',
): MethodReturnKind {
  if (method.constructor.name === 'AsyncFunction') return 'promise';
  const declared: unknown = Reflect.getMetadata?.('design:returntype', target, propertyKey);
  if (declared === undefined) return 'unknown';
  if (declared === Promise) return 'promise';
  if (isObservableClass(declared)) return 'observable';
  // Object, an interface or a union: TypeScript erased what it is, so each call tells.
  if (!SYNCHRONOUS.includes(declared)) return 'unknown';
  throw new InvalidLockArgumentError({
    argument: `${decorator} target`,
    problem:
      `${where} returns ${describe(declared)}, which a lock cannot be held around: ` +
      'make it async, or return a Promise or an Observable',
  });
}

/** Declared return types that are certainly neither a Promise nor an Observable. */
const SYNCHRONOUS: unknown[] = [String, Number, Boolean, BigInt, Symbol, Array];

/** rxjs' own `isObservable` test, applied to a class: an app may load its own rxjs copy. */
function isObservableClass(type: unknown): boolean {
  const proto = (type as { prototype?: Record<string, unknown> } | null)?.prototype;
  return typeof proto?.subscribe === 'function' && typeof proto.lift === 'function';
}

function describe(type: unknown): string {
  return typeof type === 'function' && type.name ? type.name : String(type);
}
