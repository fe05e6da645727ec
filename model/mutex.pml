/*
 * The lock protocol of nestjs-etcd-lock for one name, as etcd and the clients run it:
 * enqueue with a create revision, wait for the entry ahead (or, when a read found the whole
 * queue ahead, for all of it), hold, guarded release; replies
 * that get lost (the request applied now, later, or never), leases that expire at any
 * moment (which is also what a client paused past its TTL sees), and fenced writes.
 *
 * Variants (spin -D...):
 *   FENCE_TOKEN   the resource accepts a write only with the newest token it has seen
 *   FENCE_IFHELD  the resource accepts a write only inside the ifHeld() transaction
 *   (neither)     unfenced: exclusion must fail when a holder's lease expires (expected)
 *   GHOST_WAITER  seeded bug: a given-up enqueue deletes its key instead of dropping its lease
 *   SHARED_KEY    seeded bug: two acquisitions of one process share one key name
 *   KEY_DELETES   a key deleted while its lease lives (an operator, or a revoke the client has
 *                 not heard of yet), e.g. a waiter's key while it waits
 *   SETTLE_ABSENT seeded bug: a given-up enqueue that a read did not find is taken as settled
 *   SKIP_CONFIRM  seeded bug (the code before the fix): a waiter whose predecessor was the head
 *                 holds when that one goes, without the read that confirms its own key
 *   NO_FAULTS     no lost replies, no expiry: for the FIFO and progress checks
 *   PROGRESS      adds the LTL claim that every client gets through (run with pan -a -f)
 */

#ifndef NCLIENTS
#define NCLIENTS 2
#endif

#include "etcd.pml"

/* The protected resource: two writes per critical section, each fenced or not. */
byte maxSeen = 0;  /* the newest token the resource has seen */
byte owner = 0;    /* whose first write took effect and whose second has not yet */
byte finished = 0; /* clients that have ended, for the leftover check */
byte tokenHolder[16]; /* which client (+1) held each token: a token names one holder */
byte lastHeld = 0;    /* the token of the latest holder: holders come in queue order */

inline accepts(c, token, ok) {
#if defined(FENCE_TOKEN)
  ok = (token >= maxSeen)
#elif defined(FENCE_IFHELD)
  ok = (keyRev[KEY(c)] == token)
#else
  ok = true
#endif
}

/* One critical section: begin and end writes; the end must find its own begin in effect. */
inline critical_section(c, token) {
  began = false;
  atomic {
    accepts(c, token, ok);
    if
    :: ok -> maxSeen = (token > maxSeen -> token : maxSeen); owner = token; began = true
    :: else -> skip
    fi
  }
  atomic {
    accepts(c, token, ok);
    if
    :: ok && began ->
       /* Property 1: no other writer took effect inside this critical section. */
       assert(owner == token);
       owner = 0
    :: else -> skip
    fi
  }
}

/*
 * Property 6 (hand-out): a lock is handed out only while its key is there, at its token, or
 * while the client knows its session is gone (it then reports the loss, not a lock). Checked
 * in the step where the waiter decides that its turn came.
 */
inline handed_out(c, my) {
  assert(keyRev[KEY(c)] == my || !leaseAlive[LEASE(c)])
}

/* Every entry that was ahead at the last read is gone (its create revision is no longer there). */
#define GONE(k) (ahead[k] == 0 || keyRev[k] != ahead[k])
#define ALL_GONE (GONE(0) && GONE(1) && GONE(2))

proctype Client(byte c) {
  byte my = 0, predRev = 0, pred, retries = 0, k, low;
  byte ahead[3]; /* the create revision of each entry ahead at the last read; 0: not ahead */
  bool isHead, ok, began, whole;

enqueue:
  /* The acquire transaction goes out; its reply may come back, or be lost. */
  inflight[KEY(c)] = true;
  if
  :: atomic {
       apply_enqueue(KEY(c));
       if
       :: keyRev[KEY(c)] != 0 && leaseAlive[LEASE(c)] ->
          my = keyRev[KEY(c)]; read_ahead(my, pred, predRev, isHead); note_ahead(my)
       :: else -> goto lost  /* etcd refuses a put on a lease that is gone */
       fi }
#ifndef NO_FAULTS
  :: goto lost_reply
#endif
  fi;

wait:
  if
  :: predRev == 0 -> goto hold
  :: else
  fi;
  /* A read that found the whole queue ahead: wait until all of it is gone (the prefix's delete
     watch), then hold with no read; our own key going first sends us to the confirming read.
     The code does this when at most 16 entries are ahead, so either wait may follow a read. */
  if
  :: whole = true
  :: whole = false
  fi;
  /* The watch delivers deletes in revision order, so our own key going first is seen first:
     holding on ALL_GONE needs our key still there at that step (the code would also hold when
     ours went after the last one ahead: that is a loss after holding, which the lease expiring
     at any moment already covers). */
  if
  :: whole ->
     if
     :: atomic { ALL_GONE && keyRev[KEY(c)] == my -> handed_out(c, my); goto hold }
     :: keyRev[KEY(c)] != my -> goto confirm
     :: !leaseAlive[LEASE(c)] -> goto lost
     fi
  :: else
  fi;
  /* Waits for the delete of the entry ahead (a watch), or for the session to end; then reads. */
  if
  :: atomic { keyRev[pred] != predRev ->
#ifdef SKIP_CONFIRM
       if
       :: isHead -> handed_out(c, my); goto hold  /* the old shortcut: no confirming read */
       :: else -> skip
       fi
#else
       skip
#endif
     }
  :: !leaseAlive[LEASE(c)] -> goto lost
  fi;
confirm:
  /* The confirming read, guarded on our own key. */
  atomic {
    if
    :: keyRev[KEY(c)] != my -> goto lost
    :: else -> read_ahead(my, pred, predRev, isHead); note_ahead(my); handed_out(c, my)
    fi
  }
  goto wait;

hold:
  if
  :: !leaseAlive[LEASE(c)] -> goto lost  /* the session's own deadline */
  :: else
  fi;
  /* A fencing token names one holder, or fencing cannot tell holders apart. */
  atomic {
    assert(tokenHolder[my] == 0 || tokenHolder[my] == c + 1);
    tokenHolder[my] = c + 1;
#ifdef NO_FAULTS
    /* Property 4 (order): holders come in the order they queued (FIFO). A holder that lost
       its lease believes it holds out of turn: that is what fencing is for, above. */
    assert(my > lastHeld);
    lastHeld = my
#endif
  }
  critical_section(c, my);
  /* The guarded release: its reply may be lost too; it is then sent again. */
  releasing[KEY(c)] = my;
  if
  :: atomic { apply_release(KEY(c)) }
#ifndef NO_FAULTS
  :: skip -> atomic { apply_release(KEY(c)) }  /* the retry; the first may still land late */
#endif
  fi;
  goto done;

lost_reply:
  if
  :: retries < 1 -> retries++; goto enqueue  /* idempotent: finds its own key */
  :: retries == 0 -> goto settle             /* the caller stops after one send in doubt */
  :: else
  fi;
#ifdef GHOST_WAITER
  /* The bug: delete the key name, which a late put can create again afterwards. */
  atomic { if :: keyRev[KEY(c)] != 0 -> rev++; keyRev[KEY(c)] = 0 :: else -> skip fi }
#else
  revoke(LEASE(c));
#endif
  goto done;

settle:
  /* One send in doubt, settled by a read: found, it was applied and cannot apply again, so a
     guarded delete removes it for good; not found, it may still land: drop the lease. */
  atomic {
    if
    :: keyRev[KEY(c)] != 0 -> rev++; keyRev[KEY(c)] = 0; ok = true
    :: else -> ok = false
    fi
  }
#ifndef SETTLE_ABSENT
  if
  :: !ok -> revoke(LEASE(c))
  :: else
  fi;
#endif
  goto done;

lost:
  /* A lost lease: its keys are gone with it, or go when the revoke lands. */
  revoke(LEASE(c));

done:
  finished++
}

init {
  atomic {
    byte i = 0;
    do
    :: i < NCLIENTS -> leaseAlive[LEASE(i)] = true; run Client(i); i++
    :: else -> break
    od;
#ifndef NO_FAULTS
    run Etcd()
#endif
  }
  /* Property 5: once every client has ended, no key with a live lease blocks the name. */
  byte k;
  finished == NCLIENTS;
  atomic { no_live_leftover() }
}

/* Property 4 (progress): with no faults and weak fairness, every client gets through. */
#ifdef PROGRESS
ltl progress { <> (finished == NCLIENTS) }
#endif
