import { describe, expect, it } from 'vitest';
import {
  type DeleteListener,
  DeleteListeners,
} from '../../../../lib/etcd/watch/delete-listeners.js';

function recorder(seen: string[], name: string): DeleteListener {
  return {
    deleted: (event) => seen.push(`${name}:${event.key}`),
    interrupted: () => seen.push(`${name}:interrupted`),
  };
}

const deleteOf = (key: string) => ({ key, revision: 5n, createRevision: '2', previous: undefined });

describe('the listeners of the prefix deletes', () => {
  it('tell a listener of some keys only of those, and one of every key of all', () => {
    const listeners = new DeleteListeners();
    const seen: string[] = [];
    listeners.add(recorder(seen, 'held'));
    listeners.add(recorder(seen, 'w1'), ['a', 'own-1']);
    listeners.add(recorder(seen, 'w2'), ['a']);
    ['a', 'b', 'own-1'].forEach((key) => listeners.deleted(deleteOf(key)));
    expect(seen).toEqual(['held:a', 'w1:a', 'w2:a', 'held:b', 'held:own-1', 'w1:own-1']);
  });

  it('forget a removed listener, and tell every remaining one of an interruption', () => {
    const listeners = new DeleteListeners();
    const seen: string[] = [];
    const remove = listeners.add(recorder(seen, 'w1'), ['a']);
    listeners.add(recorder(seen, 'w2'), ['a']);
    remove();
    listeners.deleted(deleteOf('a'));
    listeners.interrupted();
    expect(seen).toEqual(['w2:a', 'w2:interrupted']);
  });
});
