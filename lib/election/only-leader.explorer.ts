import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ONLY_LEADER_ELECTION } from './only-leader.metadata.js';
import { LeaderService } from './leader.service.js';

/** At bootstrap, campaigns for every election that an `@OnlyLeader` method of this app names. */
@Injectable()
export class OnlyLeaderExplorer implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly leaders: LeaderService,
  ) {}

  onApplicationBootstrap(): void {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const { instance } of wrappers) {
      // Request-scoped providers have no instance here; they are no place for leader work.
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const election: unknown = Reflect.getMetadata(ONLY_LEADER_ELECTION, prototype[method]!);
        if (typeof election === 'string') this.leaders.stand(election);
      }
    }
  }
}
