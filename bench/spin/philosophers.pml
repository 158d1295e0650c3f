/* philosophers-N: philosopher i takes fork i, then fork (i+1)%N, then puts both down.
 * Twin of philosophersProgram(N). Deadlocks when every philosopher holds its left fork:
 * pan reports an invalid end state (run with -E to explore every state regardless).
 * Parameters: spin -DN=3 -a philosophers.pml */
#ifndef N
#define N 3
#endif

bit fork[N];

active [N] proctype phil() {
  byte left = _pid;
  byte right = (_pid + 1) % N;
  atomic { fork[left] == 0 -> fork[left] = 1 };
  atomic { fork[right] == 0 -> fork[right] = 1 };
  fork[right] = 0;
  fork[left] = 0
}
