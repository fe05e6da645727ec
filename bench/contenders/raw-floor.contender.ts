import { Etcd3 } from 'etcd3';
import type { Contender } from './contender.js';

/** The floor: one put and one delete of a key, no lock semantics. Two Raft writes. */
export function rawFloor(hosts: string): Contender {
  const client = new Etcd3({ hosts });
  return {
    name: 'raw put+delete (floor)',
    async run(key, section) {
      await client.put(`bench-raw/${key}`).value('x');
      await section();
      await client.delete().key(`bench-raw/${key}`);
    },
    async close() {
      client.close();
    },
  };
}
