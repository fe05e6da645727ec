import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { ONLY_LEADER_ELECTION } from './only-leader.metadata.js';
import { OnlyLeaderCampaigns } from './only-leader.campaigns.js';

/** At bootstrap, campaigns for every election that an `@OnlyLeader` method of this app names. */
@Injectable()
export class OnlyLeaderExplorer implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly campaigns: OnlyLeaderCampaigns,
  ) {}

  onApplicationBootstrap(): void {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const { instance, metatype } of wrappers) {
      // A request-scoped provider has no instance yet: its class says what it will run.
      const prototype = (
        instance && typeof instance === 'object'
          ? Object.getPrototypeOf(instance)
          : (metatype as { prototype?: unknown } | null)?.prototype
      ) as Record<string, unknown> | undefined;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const election: unknown = Reflect.getMetadata(ONLY_LEADER_ELECTION, prototype[method]!);
        if (typeof election === 'string') this.campaigns.stand(election);
      }
    }
  }
}
