import { Logger } from '@nestjs/common';

/** Nest's metadata keys: a class is a WebSocket gateway; a class's or method's exception filters. */
const IS_GATEWAY = 'websockets:is_gateway';
const FILTERS = '__exceptionFilters__';

const warned = new WeakSet<object>();

/**
 * Nest applies no global filter to WebSocket gateways, so the module's app-wide
 * `LockExceptionFilter` never sees a busy lock there: the client would get "Internal server
 * error". Says so once per gateway class that lists no `LockExceptionFilter`.
 */
export function warnOfUnfilteredGateway(instance: object, method: string): void {
  const type = instance.constructor;
  if (warned.has(type) || !Reflect.getMetadata(IS_GATEWAY, type)) return;
  const handler = (instance as Record<string, unknown>)[method] as object | undefined;
  const filters = [
    ...((Reflect.getMetadata(FILTERS, type) as unknown[] | undefined) ?? []),
    ...((handler && (Reflect.getMetadata(FILTERS, handler) as unknown[] | undefined)) ?? []),
  ];
  const named = (filter: unknown) =>
    (typeof filter === 'function' ? filter : (filter as object)?.constructor)?.name;
  if (filters.some((filter) => named(filter) === 'LockExceptionFilter')) return;
  warned.add(type);
  new Logger('EtcdLock').warn(
    `${type.name}.${method} is a WebSocket handler with @WithLock, but Nest applies no global ` +
      `filter to gateways: add @UseFilters(LockExceptionFilter) to ${type.name} so a busy ` +
      `lock reaches the client as an 'exception' event with status 'locked'.`,
  );
}
