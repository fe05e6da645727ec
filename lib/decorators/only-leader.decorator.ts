import { OnlyLeaderCampaigns } from '../election/only-leader.campaigns.js';
import { ONLY_LEADER_ELECTION } from '../election/only-leader.metadata.js';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import type { OnlyLeaderDecorator } from './with-lock-decorator.interface.js';
import { assertLockKey } from '../options/lock-key.validators.js';
import { copyMethodMetadata } from './copy-method-metadata.js';
import { claimDecoratedName } from './decorated-names.js';
import { decoratedMethod, type InjectedProvider } from './decorated-method.js';

/** Where Nest injects the campaigns into each instance with an `@OnlyLeader` method. */
const CAMPAIGNS: InjectedProvider<OnlyLeaderCampaigns> = {
  token: OnlyLeaderCampaigns,
  property: Symbol('LeaderService from EtcdLockModule.forRoot()'),
};

/**
 * Runs the method only on the replica that leads `election`; elsewhere the call is skipped
 * and resolves `undefined`. At bootstrap the module campaigns for every election an
 * `@OnlyLeader` method names, campaigns again after a loss, and resigns on shutdown. If
 * leadership is lost while the method runs, the call rejects with `LockLostError` at once and
 * `locks.current(election)?.signal` has aborted.
 */
export function OnlyLeader(election: string): OnlyLeaderDecorator {
  const name = assertLockKey(election, '@OnlyLeader election name');
  return (target, propertyKey, descriptor) => {
    const decorated = decoratedMethod('@OnlyLeader', [target, propertyKey, descriptor], CAMPAIGNS);
    const { original, method, where, kind, providerOf } = decorated;
    claimDecoratedName(name, '@OnlyLeader', where);
    if (kind === 'observable') {
      throw new InvalidLockArgumentError({
        argument: '@OnlyLeader target',
        problem: `${where}: make it async`,
      });
    }
    const wrapped = {
      async [method](this: unknown, ...args: unknown[]) {
        const campaigns = providerOf(this);
        return campaigns.runAsLeader(name, () => original.apply(this, args));
      },
    }[method]!;
    copyMethodMetadata(original, wrapped);
    Reflect.defineMetadata(ONLY_LEADER_ELECTION, name, wrapped);
    descriptor.value = wrapped as unknown as typeof descriptor.value;
  };
}
