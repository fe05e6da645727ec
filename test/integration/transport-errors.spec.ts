import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type INestApplication, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ClientProxyFactory, type ClientProxy, Transport } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdLockModule, LockService } from '../../lib/index.js';
import { freePort } from '../../tools/etcd/free-port.js';
import { CapturingLogger } from '../support/capturing-logger.js';
import { etcdHosts, uniquePrefix } from '../support/lock-app.js';
import {
  SEATS_SCHEMA,
  SeatsGateway,
  SeatsResolver,
  SeatsRpcController,
  UnfilteredGateway,
} from '../src/seat-transports.js';

const lockModule = (label: string, retryAfter?: number) =>
  EtcdLockModule.forRoot({
    hosts: etcdHosts(),
    prefix: uniquePrefix(label),
    ...(retryAfter === undefined ? {} : { httpErrors: { retryAfter } }),
  });

/** What every transport must say of a busy lock: locked, which one, when to retry. */
const LOCKED = { status: 'locked', lock: 'seat:7', retryAfter: 1 };

/** Nothing logged at ERROR, and no stack anywhere, for a busy lock. */
function expectNoErrorLog(logger: CapturingLogger): void {
  expect(logger.errors).toEqual([]);
  expect(logger.lines.filter((line) => line.includes('    at '))).toEqual([]);
}

describe('a busy lock over a TCP microservice', () => {
  const logger = new CapturingLogger();
  let server: INestMicroservice;
  let client: ClientProxy;
  beforeAll(async () => {
    @Module({ imports: [lockModule('rpc')], controllers: [SeatsRpcController] })
    class RpcModule {}
    const port = await freePort();
    const options = { host: '127.0.0.1', port };
    server = await NestFactory.createMicroservice(RpcModule, {
      transport: Transport.TCP,
      options,
      logger,
    });
    await server.listen();
    client = ClientProxyFactory.create({ transport: Transport.TCP, options });
    await client.connect();
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  it("reaches the client as { status: 'locked', lock, retryAfter }, and logs no error", async () => {
    const held = await server.get(LockService).acquire('seat:7');
    const answer = firstValueFrom(client.send('reserve', '7'));
    await expect(answer).rejects.toMatchObject({ ...LOCKED, message: /seat:7.*busy|held by/ });
    await held.release();
    await expect(firstValueFrom(client.send('reserve', '7'))).resolves.toEqual({ reserved: '7' });
    expectNoErrorLog(logger);
  });
});

describe('a busy lock over socket.io', () => {
  const logger = new CapturingLogger();
  let app: INestApplication;
  let socket: Socket;
  beforeAll(async () => {
    // The module's options reach the gateway's own filter: Nest gives gateways no global one.
    @Module({ imports: [lockModule('ws', 3)], providers: [SeatsGateway] })
    class WsModule {}
    app = await NestFactory.create(WsModule, { logger });
    await app.listen(0, '127.0.0.1');
    socket = io((await app.getUrl()).replace('[::1]', '127.0.0.1'), { transports: ['websocket'] });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  });
  afterAll(async () => {
    socket.close();
    await app.close();
  });

  it("emits an 'exception' event with status 'locked', the lock and retryAfter", async () => {
    const held = await app.get(LockService).acquire('seat:7');
    const exception = new Promise((resolve) => socket.once('exception', resolve));
    socket.emit('reserve', '7');
    expect(await exception).toMatchObject({
      ...LOCKED,
      retryAfter: 3,
      cause: { pattern: 'reserve' },
    });
    await held.release();
    const reply = await socket.emitWithAck('reserve', '7');
    expect(reply).toEqual({ reserved: '7' });
    expectNoErrorLog(logger);
  });
});

describe('a busy lock in a GraphQL resolver (Apollo)', () => {
  const logger = new CapturingLogger();
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    @Module({
      imports: [
        lockModule('graphql'),
        GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, typeDefs: SEATS_SCHEMA }),
      ],
      providers: [SeatsResolver],
    })
    class GraphqlModule {}
    app = await NestFactory.create(GraphqlModule, { logger });
    await app.listen(0, '127.0.0.1');
    url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`;
  });
  afterAll(() => app.close());

  const reserve = async (seat: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { reserve(seat: "${seat}") }` }),
    });
    return (await response.json()) as {
      data?: { reserve: string | null };
      errors?: { message: string; extensions: Record<string, unknown> }[];
    };
  };

  it('answers extensions.code LOCKED with the lock and retryAfter, and a stack of one line', async () => {
    const held = await app.get(LockService).acquire('seat:7');
    const busy = await reserve('7');
    expect(busy.errors).toHaveLength(1);
    const { extensions } = busy.errors![0]!;
    expect(extensions).toMatchObject({ code: 'LOCKED', lock: 'seat:7', retryAfter: 1 });
    // Apollo adds `stacktrace` outside production; it must hold no frame.
    const stack = (extensions.stacktrace as string[] | undefined) ?? [];
    expect(stack.filter((line) => line.includes(' at '))).toEqual([]);
    await held.release();
    expect(await reserve('7')).toEqual({ data: { reserve: '7' } });
    expectNoErrorLog(logger);
  });
});

describe('a gateway with @WithLock but without LockExceptionFilter', () => {
  it('is named at boot in a warning that gives the fix, since Nest applies no global filter there', async () => {
    const logger = new CapturingLogger();
    @Module({
      imports: [lockModule('ws-unfiltered')],
      providers: [UnfilteredGateway, SeatsGateway],
    })
    class WsModule {}
    const app = await NestFactory.create(WsModule, { logger });
    await app.init();
    await app.close();
    const warnings = logger.lines.filter((line) => line.includes('@UseFilters'));
    expect(warnings).toEqual([
      expect.stringContaining('UnfilteredGateway.reserve is a WebSocket handler with @WithLock'),
    ]);
  });
});
