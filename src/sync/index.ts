// The primitives model code uses. Import from here, not from rt/.
export { KObject } from '../rt/kobject.js';
export type { Gen } from '../rt/thread.js';
export { asOracle, currentTask, dmaIsolationViolation, scenarioAssert } from './assert.js';
export { BUG_ON, deref, WARN_ON, WARN_ON_ONCE } from './bug.js';
export { Completion, complete, completeAll, waitForCompletion, waitPolled } from './completion.js';
export { type ErrPtr, IS_ERR, IS_ERR_OR_NULL, PTR_ERR } from './err.js';
export * from './errno.js';
export { faultsInjected, shouldFail } from './fault.js';
export { dmaRead, hwDmaStep, hwStep, hwStepDone, hwUpdate, hwWrite } from './hw.js';
export type { Shared } from '../rt/op.js';
export { condResched, kthreadRun } from './kthread.js';
export { msleep } from './sleep.js';
export { lockdepAssertHeld, lockdepAssertNotHeld } from './lockdep.js';
export { armPausePoint, pausePoint } from './pause.js';
export { Mutex, mutexIsLocked, mutexLock, mutexUnlock } from './mutex.js';
export { atomicSection, atomicUpdate, readOnce, readOnceDeref, writeOnce } from './once.js';
export { Refcount, refcountDecAndTest, refcountInc, refcountIncNotZero, refcountRead } from './refcount.js';
export { type Gfp, kfree, kmemleakEndOfKernel, kzalloc, setupAlloc } from './slab.js';
export { Spinlock, spinLock, spinUnlock } from './spinlock.js';
export {
  XA_ZERO_ENTRY,
  XArray,
  type XaSlot,
  xaCmpxchgReserve,
  xaDestroy,
  xaEmpty,
  xaErase,
  xaForEachStart,
  xaInsert,
  xaLoad,
  xaRelease,
  xaReserve,
  xaStore,
} from './xarray.js';
export { access, type Access, type Checker, type CheckSite, driverContract, driverContractNow, driverContractSettled, type DriverCall, type ViolationKind, lockFree, lockHeldByMe, type Op, OpKind } from './check.js';
