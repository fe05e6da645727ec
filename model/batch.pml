/*
 * Group commit: etcd applies several clients' enqueues in one transaction, at one revision.
 * Clients 0 and 1 lock name 0, client 2 locks name 1; each takes its lock ROUNDS times. A batch
 * is any set of the enqueues in flight, applied in one atomic step: one revision for all, each
 * nested transaction in order, so one that comes later sees the keys put before it (`seq`).
 * The rule of `lib/etcd/batch/txn-batch.ts`: no two entries of one name in a batch. Faults
 * (leases, lost replies) are `mutex.pml`'s: a batch's entries settle them one by one.
 *
 *   SHOW_BATCH reachability: asserts that no batch holds two entries (spin must refute it)
 *   SAME_NAME  seeded bug: the rule dropped, two entries of one name may share a batch
 *              (successive holders of one token: spin reports the fencing assertion)
 */

#define NCLIENTS 3
#define ROUNDS 2
#define NAME(c) (c / 2)

byte rev = 1;
byte keyRev[NCLIENTS];  /* create revision of client c's key; 0 while absent */
byte seq[NCLIENTS];     /* its place in the batch that created it */
bool inflight[NCLIENTS];
byte holders[2];
byte lastToken[2];      /* the newest token a holder of the name has used */

/* Client d's entry is ahead of client c's in their queue. */
#define AHEAD(c, d) (d != c && NAME(d) == NAME(c) && keyRev[d] != 0 && \
  (keyRev[d] < keyRev[c] || (keyRev[d] == keyRev[c] && seq[d] < seq[c])))
#define ANY_AHEAD(c) (AHEAD(c, 0) || AHEAD(c, 1) || AHEAD(c, 2))

proctype Etcd() {
  byte d, picked;
  bool take[NCLIENTS], used[2];
end:
  do
  :: atomic {
       (inflight[0] || inflight[1] || inflight[2]) ->
       d = 0; picked = 0; used[0] = false; used[1] = false;
       do
       :: d < NCLIENTS ->
          take[d] = false;
          if
#ifdef SAME_NAME
          :: inflight[d] -> take[d] = true; picked++
#else
          :: inflight[d] && !used[NAME(d)] -> take[d] = true; used[NAME(d)] = true; picked++
#endif
          :: skip
          fi;
          d++
       :: else -> break
       od;
#ifdef SHOW_BATCH
       assert(picked < 2);  /* reachability: a batch of two does happen */
#endif
       if
       :: picked > 0 ->
          rev++; d = 0; picked = 0;
          do
          :: d < NCLIENTS ->
             if
             :: take[d] -> keyRev[d] = rev; seq[d] = picked; picked++; inflight[d] = false
             :: else -> skip
             fi;
             d++
          :: else -> break
          od
       :: else -> skip
       fi
     }
  od
}

proctype Client(byte c) {
  byte my, round = 0;
  do
  :: round < ROUNDS ->
     inflight[c] = true;
     !inflight[c];         /* the batch that carried it was applied */
     my = keyRev[c];
     !ANY_AHEAD(c);        /* its turn: nothing older in its queue */
     atomic {
       assert(holders[NAME(c)] == 0);           /* exclusion */
       assert(my > lastToken[NAME(c)]);         /* fencing: tokens strictly increase, in queue order */
       holders[NAME(c)]++;
       lastToken[NAME(c)] = my
     }
     holders[NAME(c)]--;
     atomic { rev++; keyRev[c] = 0 };  /* the release */
     round++
  :: else -> break
  od
}

init {
  atomic { run Etcd(); run Client(0); run Client(1); run Client(2) }
}
