/* lock-counter-NxK: N threads each do K increments of a shared counter under one lock.
 * Twin of counterProgram(N, K, true): lock, read, write, unlock are separate steps.
 * Parameters: spin -DN=2 -DK=2 -a lock-counter.pml */
#ifndef N
#define N 2
#endif
#ifndef K
#define K 2
#endif

bit lock = 0;
byte counter = 0;
byte finished = 0;

active [N] proctype inc() {
  byte k = 0;
  byte v;
  do
  :: k < K ->
     atomic { lock == 0 -> lock = 1 };   /* mutex_lock: blocks while held */
     v = counter;                        /* READ_ONCE */
     counter = v + 1;                    /* WRITE_ONCE */
     lock = 0;                           /* mutex_unlock */
     k++
  :: else -> break
  od;
  atomic {
    finished++;
    if
    :: finished == N -> assert(counter == N * K)   /* the final check */
    :: else -> skip
    fi
  }
}
