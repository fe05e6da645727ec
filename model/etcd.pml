/*
 * etcd, as the lock protocol sees it: a linearizable store of one key per client under the
 * name's prefix, with a revision that every write increments; leases that expire at any
 * moment; puts that were sent and whose replies were lost, applied late or never.
 * Key k lives on lease k: a client's session.
 */

#ifdef SHARED_KEY
#define KEY(c) 0
#define LEASE(c) 0
#else
#define KEY(c) c
#define LEASE(c) c
#endif

byte rev = 1;                /* the store's revision; the first key gets create revision 2 */
/* Sized for the largest model (3 clients); only the first NCLIENTS are used. */
byte keyRev[3];              /* create revision of key k; 0 while absent */
bool leaseAlive[3];
bool inflight[3];            /* an enqueue for key k was sent and not yet applied */
byte releasing[3];           /* a guarded delete of key k at this create revision, in flight */

/* The enqueue transaction: create the key on its lease if absent; idempotent on a retry. */
inline apply_enqueue(k) {
  if
  :: inflight[k] ->
     if
     :: keyRev[k] == 0 && leaseAlive[k] -> rev++; keyRev[k] = rev
     :: else -> skip  /* it exists (our own earlier put), or the lease is gone: no put */
     fi;
     inflight[k] = false
  :: else -> skip
  fi
}

/* The guarded release: deletes the key only if it is still the incarnation it names. */
inline apply_release(k) {
  if
  :: releasing[k] != 0 ->
     if
     :: keyRev[k] == releasing[k] -> rev++; keyRev[k] = 0
     :: else -> skip
     fi;
     releasing[k] = 0
  :: else -> skip
  fi
}

/* Revoking or expiring a lease deletes its key. */
inline revoke(l) {
  atomic {
    leaseAlive[l] = false;
    if
    :: keyRev[l] != 0 -> rev++; keyRev[l] = 0
    :: else -> skip
    fi
  }
}

/*
 * The read in the enqueue transaction (and the confirming read): the newest key older than
 * `my` (the entry ahead) and whether it is also the oldest (the head). Uses the caller's k, low.
 */
inline read_ahead(my, pred, predRev, isHead) {
  k = 0; low = 255; predRev = 0;
  do
  :: k < NCLIENTS ->
     if
     :: keyRev[k] != 0 && keyRev[k] < my ->
        if
        :: keyRev[k] > predRev -> predRev = keyRev[k]; pred = k
        :: else -> skip
        fi;
        if
        :: keyRev[k] < low -> low = keyRev[k]
        :: else -> skip
        fi
     :: else -> skip
     fi;
     k++
  :: else -> break
  od;
  isHead = (predRev != 0 && predRev == low)
}

/* What a read that found the whole queue ahead keeps: each entry ahead's create revision. */
inline note_ahead(my) {
  k = 0;
  do
  :: k < 3 ->
     if
     :: k < NCLIENTS && keyRev[k] != 0 && keyRev[k] < my -> ahead[k] = keyRev[k]
     :: else -> ahead[k] = 0
     fi;
     k++
  :: else -> break
  od
}

/* Property 5: no key whose lease is alive is left once every client has ended. */
inline no_live_leftover() {
  k = 0;
  do
  :: k < NCLIENTS -> assert(!(keyRev[k] != 0 && leaseAlive[k])); k++
  :: else -> break
  od
}

/*
 * What etcd does on its own, at any moment: apply a put or a delete whose reply was lost
 * (late), or expire a lease; with KEY_DELETES, also delete a key whose lease lives.
 */
proctype Etcd() {
end:
  do
  :: atomic { inflight[0] -> apply_enqueue(0) }
  :: atomic { inflight[1] -> apply_enqueue(1) }
  :: atomic { NCLIENTS > 2 && inflight[2] -> apply_enqueue(2) }
  :: atomic { releasing[0] != 0 -> apply_release(0) }
  :: atomic { releasing[1] != 0 -> apply_release(1) }
  :: atomic { NCLIENTS > 2 && releasing[2] != 0 -> apply_release(2) }
  :: atomic { leaseAlive[0] -> revoke(0) }
  :: atomic { leaseAlive[1] -> revoke(1) }
  :: atomic { NCLIENTS > 2 && leaseAlive[2] -> revoke(2) }
#ifdef KEY_DELETES
  :: atomic { keyRev[0] != 0 -> rev++; keyRev[0] = 0 }
  :: atomic { keyRev[1] != 0 -> rev++; keyRev[1] = 0 }
  :: atomic { NCLIENTS > 2 && keyRev[2] != 0 -> rev++; keyRev[2] = 0 }
#endif
  od
}
