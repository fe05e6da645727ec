import { Controller, Headers, Inject, Injectable, Post, Scope } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { LockService, WithLock } from '../../lib/index.js';

/** A request-scoped provider: one instance per request, locked per user. */
@Injectable({ scope: Scope.REQUEST })
export class CartService {
  constructor(
    @Inject(REQUEST) private readonly request: { headers: Record<string, string> },
    private readonly locks: LockService,
  ) {}

  @WithLock(function (this: CartService) {
    return `cart:${this.request.headers['x-user']}`;
  })
  async checkout(): Promise<{ lock: string | undefined }> {
    return { lock: this.locks.current()?.key };
  }
}

@Controller('cart')
export class CartController {
  constructor(private readonly cart: CartService) {}

  @Post('checkout')
  checkout(@Headers('x-user') _user: string): Promise<{ lock: string | undefined }> {
    return this.cart.checkout();
  }
}
