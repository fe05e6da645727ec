import type { Contender } from './contender.js';
import { etcd3Polling } from './etcd3-polling.contender.js';
import { oursDecorator, oursService, oursWithLock } from './ours.contender.js';
import { guardedFloor, protocolFloor } from './protocol-floor.contender.js';
import { rawFloor } from './raw-floor.contender.js';
import { redlockContender } from './redlock.contender.js';
import { seedRecipe } from './seed-recipe.contender.js';
import { oursShape } from './shapes.contender.js';

export const CONTENDER_KINDS = [
  'raw',
  'ours',
  'ours-unbatched',
  'ours-withlock',
  'ours-decorator',
  'etcd3',
  'seed',
  'ours-multi',
  'ours-semaphore',
  'ours-read',
  'protocol',
  'guarded',
  'redlock',
] as const;
export type ContenderKind = (typeof CONTENDER_KINDS)[number];

/** `redis` is the redis-server endpoint, for the redlock contender only. */
export async function createContender(
  kind: ContenderKind,
  hosts: string,
  redis?: string,
): Promise<Contender> {
  switch (kind) {
    case 'raw':
      return rawFloor(hosts);
    case 'ours':
      return oursService(hosts);
    case 'ours-unbatched':
      return oursService(hosts, false);
    case 'ours-withlock':
      return oursWithLock(hosts);
    case 'ours-decorator':
      return oursDecorator(hosts);
    case 'etcd3':
      return etcd3Polling(hosts);
    case 'seed':
      return seedRecipe(hosts);
    case 'ours-multi':
      return oursShape(hosts, 'multi');
    case 'ours-semaphore':
      return oursShape(hosts, 'semaphore');
    case 'ours-read':
      return oursShape(hosts, 'read');
    case 'protocol':
      return protocolFloor(hosts);
    case 'guarded':
      return guardedFloor(hosts);
    case 'redlock':
      if (!redis) throw new Error('the redlock contender needs a redis-server endpoint');
      return redlockContender(redis);
  }
}
