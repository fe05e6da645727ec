/*
 * Semaphores and read-write locks on the same queue: an entry has its turn when fewer than
 * PERMITS older entries are ahead (readers do not count other readers), as
 * lib/lock/queue-rules.ts says. Leases expire at any moment; writes are fenced with ifHeld()
 * (accepted only while the writer's key still exists).
 *
 *   SEMAPHORE  every client takes one of PERMITS permits (default: a read-write mix)
 *   -DPERMITS=n  permits of the semaphore (default 2)
 *   SHOW_SHARED  expected violation: two holders do write together (readers, or permits)
 *   COUNT_NONE   seeded bug: nothing counts as ahead of a semaphore entry
 *
 * The waits are abstracted to their condition (the etcd watches are in mutex.pml).
 */

#ifndef NCLIENTS
#define NCLIENTS 3
#endif
#ifndef PERMITS
#define PERMITS 2
#endif

#include "etcd.pml"

#ifdef SEMAPHORE
#define LIMIT PERMITS
#define READER(c) false
#else
#define LIMIT 1
/* client 0 writes; the others read */
#define READER(c) (c != 0)
#endif

bool inSection[3];   /* between holding and releasing, as the client believes */
byte finished = 0;

/* Entries ahead of client c's entry (created at my) that count against its turn. */
inline count_ahead(c, my, n) {
  k = 0; n = 0;
  do
  :: k < NCLIENTS ->
     if
#ifdef COUNT_NONE
     :: false -> n++
#else
     :: keyRev[k] != 0 && keyRev[k] < my && !(READER(c) && READER(k)) -> n++
#endif
     :: else -> skip
     fi;
     k++
  :: else -> break
  od
}

/*
 * Property 1: when a write of c takes effect (its key still exists), the clients in their
 * sections with a live key respect the shape: a writer is alone, readers are only with
 * readers, and a semaphore has at most PERMITS of them.
 * SHOW_SHARED turns the check around to show that the model does reach the limit: readers
 * together, or PERMITS semaphore holders together (an expected violation).
 */
inline check_write(c) {
  k = 0; n = 0;
  do
  :: k < NCLIENTS ->
     if
     :: inSection[k] && keyRev[k] != 0 ->
        n++;
        assert(k == c || LIMIT > 1 || READER(c) && READER(k))
     :: else -> skip
     fi;
     k++
  :: else -> break
  od;
  assert(n <= LIMIT || READER(c));
#ifdef SHOW_SHARED
  assert(n < 2);
#endif
}

proctype Client(byte c) {
  byte my, k, n, seen;
  inflight[c] = true;
  atomic {
    apply_enqueue(c);
    if
    :: keyRev[c] != 0 -> my = keyRev[c]
    :: else -> goto done
    fi
  }
  /* Its turn, else wait for any change in the store (a watch), or the end of its lease. */
wait:
  atomic {
    count_ahead(c, my, n);
    if
    :: n < LIMIT -> inSection[c] = true
    :: else ->
       seen = rev;
       if
       :: rev != seen -> goto wait
       :: !leaseAlive[c] -> goto done
       fi
    fi
  }
  /* Two fenced writes inside the section. */
  atomic { if :: keyRev[c] == my -> check_write(c) :: else -> skip fi }
  atomic { if :: keyRev[c] == my -> check_write(c) :: else -> skip fi }
  atomic { inSection[c] = false; if :: keyRev[c] == my -> rev++; keyRev[c] = 0 :: else -> skip fi }
done:
  finished++
}

init {
  atomic {
    byte i = 0;
    do
    :: i < NCLIENTS -> leaseAlive[i] = true; run Client(i); i++
    :: else -> break
    od;
    run Etcd()
  }
}
