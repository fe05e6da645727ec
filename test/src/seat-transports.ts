import { Controller, UseFilters } from '@nestjs/common';
import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { MessagePattern } from '@nestjs/microservices';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { LockExceptionFilter, WithLock } from '../../lib/index.js';

const seatKey = (seat: string) => `seat:${seat}`;

/** The same busy-at-once reservation over a TCP microservice. */
@Controller()
export class SeatsRpcController {
  @MessagePattern('reserve')
  @WithLock(seatKey, { onLocked: 'throw' })
  async reserve(seat: string): Promise<{ reserved: string }> {
    return { reserved: seat };
  }
}

/** ... over socket.io: Nest applies no global filter to gateways, so the gateway names it. */
@WebSocketGateway()
@UseFilters(LockExceptionFilter)
export class SeatsGateway {
  @SubscribeMessage('reserve')
  @WithLock((_client: unknown, seat: string) => seatKey(seat), { onLocked: 'throw' })
  async reserve(_client: unknown, seat: string): Promise<{ reserved: string }> {
    return { reserved: seat };
  }
}

/** The GraphQL schema of the resolver below (schema first). */
export const SEATS_SCHEMA = `
  type Query { ping: String }
  type Mutation { reserve(seat: String!): String }
`;

/** ... over GraphQL (Apollo). */
@Resolver()
export class SeatsResolver {
  @Mutation('reserve')
  @WithLock(seatKey, { onLocked: 'throw' })
  async reserve(@Args('seat') seat: string): Promise<string> {
    return seat;
  }
}

/** A gateway that forgot the filter: the library warns at boot. */
@WebSocketGateway()
export class UnfilteredGateway {
  @SubscribeMessage('reserve')
  @WithLock((_client: unknown, seat: string) => seatKey(seat), { onLocked: 'throw' })
  async reserve(_client: unknown, seat: string): Promise<{ reserved: string }> {
    return { reserved: seat };
  }
}
