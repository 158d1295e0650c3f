/* independent-NxK: N threads each write K times to their own global cell.
 * Twin of independentProgram(N, K). The cells are global, as the model's objects are shared
 * from the runtime's point of view: Spin's partial-order reduction only treats accesses to
 * local variables and exclusive channels as safe, so it cannot tell these writes commute.
 * Parameters: spin -DN=3 -DK=4 -a independent.pml */
#ifndef N
#define N 3
#endif
#ifndef K
#define K 4
#endif

byte cell[N];

active [N] proctype own() {
  byte k = 0;
  do
  :: k < K -> k++; cell[_pid] = k
  :: else -> break
  od
}
