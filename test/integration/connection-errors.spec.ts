import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EtcdLockModule,
  type EtcdLockModuleOptions,
  EtcdRequestError,
  LockAcquireError,
  LockService,
} from '../../lib/index.js';
import { freePort } from '../../tools/etcd/free-port.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { etcdHosts, uniquePrefix } from '../support/lock-app.js';

async function boot(options: EtcdLockModuleOptions) {
  const logger = new CapturingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [EtcdLockModule.forRoot({ retries: 0, ...options })],
  })
    .setLogger(logger)
    .compile();
  await moduleRef.init();
  return { moduleRef, locks: moduleRef.get(LockService), logger };
}

const listening = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );

describe('an etcd that cannot be reached is named, with its cause and a hint', () => {
  const sockets: Socket[] = [];
  // Accepts connections and never says a word: a port behind a broken proxy, or a frozen host.
  const silent = createServer((socket) => sockets.push(socket));
  const web = createHttpServer((_, response) => response.end('not etcd'));
  const endpoints: Record<string, string> = {};
  beforeAll(async () => {
    endpoints.refused = `127.0.0.1:${await freePort()}`;
    endpoints.unknown = 'no-such-host.invalid:2379';
    endpoints.silent = `127.0.0.1:${await listening(silent)}`;
    endpoints.web = `127.0.0.1:${await listening(web)}`;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    silent.close();
    web.close();
  });

  it.each([
    [
      'refused',
      'ECONNREFUSED',
      /refused the connection \(ECONNREFUSED\)\. Is etcd running there\?/,
    ],
    ['unknown', 'ENOTFOUND', /could not be resolved \(ENOTFOUND\)\. Check the host name/],
    ['silent', 'DEADLINE_EXCEEDED', /did not answer in time \(DEADLINE_EXCEEDED\)\. It may be/],
    ['web', 'NOT_ETCD', /not as an etcd gRPC endpoint \(NOT_ETCD\)\. Check the port/],
  ])(
    'a %s endpoint: acquire and ping say %s, where, and what to check',
    async (which, code, text) => {
      const host = endpoints[which]!;
      const { moduleRef, locks, logger } = await boot({ hosts: host, callTimeout: 300 });
      const warned = await logger.next(/etcd cannot serve locks yet/);
      expect(warned).toContain(`etcd at ${host}`);
      expect(warned).toMatch(text);

      const acquired = await locks.acquire('job').catch((e: unknown) => e);
      expect(acquired).toBeInstanceOf(LockAcquireError);
      expect((acquired as Error).message).toContain(`etcd at ${host}`);
      expect((acquired as Error).message).toMatch(text);
      expect((acquired as Error).cause).toMatchObject({ host, code });

      const pinged = await locks.ping().catch((e: unknown) => e);
      expect(pinged).toBeInstanceOf(EtcdRequestError);
      expect(pinged).toMatchObject({ host, code });
      await moduleRef.close();
    },
  );
});

describe('a member that refuses connections, listed before one that works', () => {
  it('costs no retry: with retries 0, the first acquisition goes through the working member', async () => {
    const down = `127.0.0.1:${await freePort()}`;
    // No start-up ping (log 'none'): the acquisition is the first request, and meets the down member first.
    const { moduleRef, locks } = await boot({
      hosts: [down, etcdHosts()],
      prefix: uniquePrefix('down-member'),
      log: 'none',
    });
    const first = await locks.acquire('job');
    await first.release();
    const second = await locks.acquire('job');
    await second.release();
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
    await moduleRef.close();
  });
});
