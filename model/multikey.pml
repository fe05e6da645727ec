/*
 * Two clients take the same two names in opposite orders: client 0 [x, y], client 1 [y, x].
 * One transaction puts both keys with one create revision; each name's entry then waits only
 * for older entries of that name, so the pair can never wait for each other.
 *
 *   SEQUENTIAL  seeded bug: enqueue and wait name by name, in the order listed (deadlocks:
 *               spin reports an invalid end state)
 */

byte rev = 1;
byte keyRev[4];  /* key of client c for name n: index c * 2 + n; 0 while absent */
byte finished = 0;

#define OLDER_OF(n, c) (keyRev[(1 - c) * 2 + n] != 0 && keyRev[(1 - c) * 2 + n] < keyRev[c * 2 + n])

proctype Client(byte c) {
  byte first = c, second = 1 - c;  /* the order the names are listed in */
#ifdef SEQUENTIAL
  atomic { rev++; keyRev[c * 2 + first] = rev }
  !OLDER_OF(first, c);
  atomic { rev++; keyRev[c * 2 + second] = rev }
  !OLDER_OF(second, c);
#else
  atomic { rev++; keyRev[c * 2 + first] = rev; keyRev[c * 2 + second] = rev }
  !OLDER_OF(first, c);
  !OLDER_OF(second, c);
#endif
  /* Holds both: the other client holds neither. */
  assert(keyRev[(1 - c) * 2 + 0] == 0 || keyRev[(1 - c) * 2 + 0] > keyRev[c * 2 + 0]);
  assert(keyRev[(1 - c) * 2 + 1] == 0 || keyRev[(1 - c) * 2 + 1] > keyRev[c * 2 + 1]);
  atomic { rev++; keyRev[c * 2 + 0] = 0; keyRev[c * 2 + 1] = 0 }
  finished++
}

init {
  atomic { run Client(0); run Client(1) }
  finished == 2
}
