import { Inject } from '@nestjs/common';
import { OnlyLeaderCampaigns } from '../election/only-leader.campaigns.js';
import { ONLY_LEADER_ELECTION } from '../election/only-leader.metadata.js';
import { InvalidLockArgumentError } from '../errors/invalid-lock-argument.error.js';
import { LockModuleMissingError } from '../errors/lock-module-missing.error.js';
import type { OnlyLeaderDecorator } from './with-lock-decorator.interface.js';
import { assertLockKey } from '../options/option-validators.js';
import { copyMethodMetadata } from './copy-method-metadata.js';
import { decoratedMethod } from './decorated-method.js';

// Nest names the property in its missing-provider error, so the description says the fix.
const CAMPAIGNS = Symbol('LeaderService from EtcdLockModule.forRoot()');

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
    const { original, className, method, where, kind } = decoratedMethod(
      '@OnlyLeader',
      target,
      propertyKey,
      descriptor.value,
    );
    if (kind === 'observable') {
      throw new InvalidLockArgumentError({
        argument: '@OnlyLeader target',
        problem: `${where}: make it async`,
      });
    }
    Inject(OnlyLeaderCampaigns)(target, CAMPAIGNS);
    const wrapped = {
      async [method](this: { [CAMPAIGNS]?: OnlyLeaderCampaigns }, ...args: unknown[]) {
        const campaigns = this?.[CAMPAIGNS];
        if (typeof campaigns?.runAsLeader !== 'function') {
          throw new LockModuleMissingError({ className, method, decorator: '@OnlyLeader' });
        }
        return campaigns.runAsLeader(name, () => original.apply(this, args));
      },
    }[method]!;
    copyMethodMetadata(original, wrapped);
    Reflect.defineMetadata(ONLY_LEADER_ELECTION, name, wrapped);
    descriptor.value = wrapped as unknown as typeof descriptor.value;
  };
}
