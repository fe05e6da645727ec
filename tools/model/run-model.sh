#!/usr/bin/env bash
# npm run model: model-checks the lock protocol (model/*.pml) with spin, within the bounds
# below, and prints one line per property: "holds", or "violated as expected" for the checks
# that must fail (the unfenced counterexample, the reachability checks and the seeded bugs).
# Exits non-zero if any check comes out otherwise. About 3 minutes on 2 cores, under 3 GB of
# memory (the largest run stores 55 million states, compressed with -DCOLLAPSE).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v spin >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "spin or gcc not found; installing the Debian packages spin and gcc with apt-get…" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq spin gcc >/dev/null
  else
    echo "spin or gcc not found: as root, apt-get install spin gcc; then npm run model" >&2
    exit 1
  fi
fi

work="build/model"
rm -rf "$work" && mkdir -p "$work"
: >"$work/summary.txt"
failures=0

# check <expect: holds|violated> <pattern of the expected violation> <label> <file> <spin -D flags> [pan mode]
check() {
  local expect="$1" pattern="$2" label="$3" file="$4" defines="$5" mode="${6:-safety}"
  local dir="$work/$(echo "$label" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9' '-' | cut -c1-60)"
  mkdir -p "$dir" && cp model/*.pml "$dir/"
  local out
  out="$(
    cd "$dir" &&
      spin -a $defines "$file" >/dev/null &&
      if [ "$mode" = "progress" ]; then
        gcc -O2 -w -DCOLLAPSE -o pan pan.c && ./pan -m200000 -a -f -N progress 2>&1
      else
        gcc -O2 -w -DSAFETY -DCOLLAPSE -o pan pan.c && ./pan -m200000 2>&1
      fi
  )" || true
  local errors states
  errors="$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<<"$out" | head -n1)"
  states="$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' <<<"$out" | head -n1)"
  if [ "$expect" = "holds" ] && [ "$errors" = "0" ] && ! grep -q "Search not completed" <<<"$out"; then
    printf '%-22s %s (%s states)\n' "holds" "$label" "$states" | tee -a "$work/summary.txt"
  elif [ "$expect" = "violated" ] && [ "${errors:-0}" != "0" ] && grep -qE "$pattern" <<<"$out"; then
    local why
    why="$(grep -oE "$pattern" <<<"$out" | head -n1)"
    printf '%-22s %s: %s\n' "violated as expected" "$label" "$why" | tee -a "$work/summary.txt"
    (cd "$dir" && spin -t -p $defines "$file" >trail.txt 2>&1) || true
  else
    printf '%-22s %s\n' "UNEXPECTED" "$label (expected: $expect)" >&2
    echo "$out" | tail -n 20 >&2
    failures=$((failures + 1))
  fi
}

# 1. Safety: fenced writes never overlap, with leases expiring at any moment (a paused
#    holder) and enqueue replies lost (applied now, later or never), 2 and 3 clients.
check holds "" "mutex: exclusion of fenced writes, token fencing, 2 clients" mutex.pml "-DFENCE_TOKEN"
check holds "" "mutex: exclusion of fenced writes, token fencing, 3 clients" mutex.pml "-DFENCE_TOKEN -DNCLIENTS=3"
check holds "" "mutex: exclusion of fenced writes, ifHeld() fencing, 2 clients" mutex.pml "-DFENCE_IFHELD"
check holds "" "mutex: exclusion of fenced writes, ifHeld() fencing, 3 clients" mutex.pml "-DFENCE_IFHELD -DNCLIENTS=3"
check holds "" "read-write lock: a writer alone, readers only with readers (ifHeld, 1 writer + 2 readers)" shapes.pml ""
check holds "" "semaphore: at most 2 holders with effective writes (ifHeld, 3 clients)" shapes.pml "-DSEMAPHORE -DPERMITS=2"
# 2. The counterexample kept on purpose: without fencing, a holder whose lease expired writes
#    inside the next holder's critical section.
check violated "assertion violated \(owner==my\)" "mutex without fencing: exclusion fails" mutex.pml ""
# ...and the limits are reached, so the checks above are not vacuous.
check violated "assertion violated \(n<2\)" "read-write lock: two readers do write together" shapes.pml "-DSHOW_SHARED"
check violated "assertion violated \(n<2\)" "semaphore: two holders do write together" shapes.pml "-DSEMAPHORE -DSHOW_SHARED"
# 3. No deadlock: several names in one transaction, listed in opposite orders. (Every safety
#    run also checks end states: the read-write mix and the semaphore runs end without one.)
check holds "" "several names in one transaction, [x, y] against [y, x]: no deadlock" multikey.pml ""
# Group commit: several clients' enqueues applied in one step at one revision, never two of one
# name; exclusion, FIFO and strictly increasing tokens per name still hold.
check holds "" "group commit: batches of enqueues at one revision, one entry per name: exclusion, FIFO, fencing (3 clients, 2 names)" batch.pml ""
check violated "assertion violated \(picked<2\)" "group commit: a batch of two entries does happen (so the check above is not vacuous)" batch.pml "-DSHOW_BATCH"
# 4. Progress and order, with no faults: FIFO holds, and under weak fairness everyone gets through.
check holds "" "mutex: holders in queue order (FIFO), 3 clients, no faults" mutex.pml "-DFENCE_TOKEN -DNO_FAULTS -DNCLIENTS=3"
check holds "" "mutex: every waiter eventually holds (weak fairness), 3 clients, no faults" mutex.pml "-DFENCE_TOKEN -DNO_FAULTS -DNCLIENTS=3 -DPROGRESS" progress
# 5. Hand-out: a waiter's key deleted (or its lease revoked unbeknown to it) while it waits; the
#    lock is handed out only with its key there. 2 clients: 3 take over 10 GB here.
check holds "" "hand-out, token fencing: a waiter's key deleted while it waits, lock handed out only with its key (2 clients)" mutex.pml "-DFENCE_TOKEN -DKEY_DELETES"
check holds "" "hand-out, ifHeld() fencing: a waiter's key deleted while it waits, lock handed out only with its key (2 clients)" mutex.pml "-DFENCE_IFHELD -DKEY_DELETES"
# 6. No leftovers: checked at the end of every run above (no key with a live lease remains).
# Seeded bugs the model must catch.
check violated "assertion violated +!\(\(\(keyRev\[k\]!=0\)&&leaseAlive\[k\]\)\)" "seeded ghost-waiter bug (delete instead of dropping the lease): a key left behind" mutex.pml "-DFENCE_TOKEN -DGHOST_WAITER"
check violated "assertion violated +!\(\(\(keyRev\[k\]!=0\)&&leaseAlive\[k\]\)\)" "seeded in-doubt bug (a read that did not find the enqueue taken as settled): a key left behind" mutex.pml "-DFENCE_TOKEN -DSETTLE_ABSENT"
check violated "assertion violated \(\(tokenHolder" "seeded shared-key bug (two acquisitions, one key): two holders of one token" mutex.pml "-DFENCE_TOKEN -DSHARED_KEY"
check violated "assertion violated \(\(n<=2\)" "seeded semaphore bug (nothing counted ahead): 3 holders of 2 permits" shapes.pml "-DSEMAPHORE -DPERMITS=2 -DCOUNT_NONE"
# The wait before the fix: it held when the head left, without the read that confirms its key.
# Without KEY_DELETES the model could not see it (the counterexample needs a key gone while
# its lease lives), which is why the old model passed.
check violated "assertion violated \(\(keyRev\[c\]==my\)" "old wait (no confirming read after the head left): a lock handed out without its key" mutex.pml "-DFENCE_TOKEN -DKEY_DELETES -DSKIP_CONFIRM"
check holds "" "old wait, without key deletes in the model: the fault is invisible" mutex.pml "-DFENCE_TOKEN -DSKIP_CONFIRM"
check violated "assertion violated \(my>lastToken" "seeded group-commit bug (two entries of one name in a batch): successive holders of one token" batch.pml "-DSAME_NAME"
check violated "invalid end state" "seeded multi-name bug (one name at a time, in listed order): deadlock" multikey.pml "-DSEQUENTIAL"

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) did not come out as expected" >&2
  exit 1
fi
