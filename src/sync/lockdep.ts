// lockdep_assert_held() and friends: WARN-level lockdep assertions.
import { current } from '../rt/current.js';
import type { LockBase } from '../rt/lock.js';

/** lockdep_assert_held(): the current thread must hold `lock`. */
export function lockdepAssertHeld(lock: LockBase): void {
  const exec = current;
  if (lock.owner !== exec.thread) {
    exec.report('lockdep', 'WARNING: lockdep_assert_held() failed', `${lock.label} is not held by this task`, false);
  }
}

/** lockdep_assert_not_held(): the current thread must not hold `lock`. */
export function lockdepAssertNotHeld(lock: LockBase): void {
  const exec = current;
  if (lock.owner === exec.thread && lock.owner !== null) {
    exec.report('lockdep', 'WARNING: lockdep_assert_not_held() failed', `${lock.label} is held by this task`, false);
  }
}
