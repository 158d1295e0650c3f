/* abba-deadlock: thread ab takes A then B, thread ba takes B then A.
 * Twin of abbaProgram(false). The deadlock is an invalid end state. */
bit a = 0;
bit b = 0;

inline lock(l) { atomic { l == 0 -> l = 1 } }

active proctype ab() {
  lock(a); lock(b); b = 0; a = 0
}

active proctype ba() {
  lock(b); lock(a); a = 0; b = 0
}
