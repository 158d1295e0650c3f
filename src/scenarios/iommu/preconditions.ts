// What the kernel guarantees the caller of an entry point, checked on a scenario description
// before it runs (spec core.md [B] notes): an operation only a bound driver performs needs a
// `bind` of its device, and an operation that undoes another needs that operation. Threads run
// concurrently, so "before" means: earlier in the prologue, earlier in the same thread, anywhere
// in another thread, or (for the epilogue) anywhere in the threads. Whether the bind really
// happened first is a property of the interleaving; the interpreter (ops.ts) does not issue the
// driver's operations when no driver is bound at that moment.
import type { SpecIssue, SpecPath } from './validate.js';
import type { IommuScenarioSpec, Op } from './spec.js';

interface Placed {
  readonly op: Op;
  readonly path: SpecPath;
  /** 'prologue', a thread index, or 'epilogue' */
  readonly where: 'prologue' | 'epilogue' | number;
  readonly index: number;
}

function placed(spec: IommuScenarioSpec): Placed[] {
  const out: Placed[] = [];
  (spec.prologue ?? []).forEach((op, index) => out.push({ op, path: ['prologue', index], where: 'prologue', index }));
  spec.threads.forEach((t, ti) => t.ops.forEach((op, index) => out.push({ op, path: ['threads', ti, 'ops', index], where: ti, index })));
  (spec.epilogue ?? []).forEach((op, index) => out.push({ op, path: ['epilogue', index], where: 'epilogue', index }));
  return out;
}

/** can `a` run before `b` in some execution? */
function mayPrecede(a: Placed, b: Placed): boolean {
  if (a.where === 'prologue') return b.where !== 'prologue' || a.index < b.index;
  if (a.where === 'epilogue') return b.where === 'epilogue' && a.index < b.index;
  if (b.where === 'prologue') return false;
  if (b.where === 'epilogue') return true;
  return a.where !== b.where || a.index < b.index;
}

interface Rule {
  /** what must come before, in words */
  readonly needs: string;
  /** does `earlier` satisfy the rule for `op`? */
  readonly satisfies: (earlier: Op) => boolean;
}

/** the precondition of an operation, or null when the kernel asks nothing of its caller */
function ruleFor(op: Op): Rule | null {
  switch (op.op) {
    case 'dmaMap':
      return { needs: `a \`bind\` of "${op.dev}" (dma_map_page() is called by the driver bound to the device)`, satisfies: (e) => e.op === 'bind' && e.dev === op.dev };
    case 'prepareMsi':
      return { needs: `a \`bind\` of "${op.dev}" (MSI vectors are allocated by the driver bound to the device)`, satisfies: (e) => e.op === 'bind' && e.dev === op.dev };
    case 'attach':
      if ((op.api ?? 'device') !== 'device') return null;
      return { needs: `a \`bind\` of "${op.dev}" (iommu_attach_device() is called by the driver bound to the device)`, satisfies: (e) => e.op === 'bind' && e.dev === op.dev };
    case 'claim':
      if (op.group === true) return null;
      return {
        needs: `a \`bind\` of "${op.dev}" with driverManagedDma (VFIO/iommufd claim a device bound to vfio-pci)`,
        satisfies: (e) => e.op === 'bind' && e.dev === op.dev && e.driverManagedDma === true,
      };
    case 'unbind':
      return { needs: `a \`bind\` of "${op.dev}"`, satisfies: (e) => e.op === 'bind' && e.dev === op.dev };
    case 'releaseOwner':
      return {
        needs: `a \`claim\` of "${op.dev}"${op.group === true ? ' with group' : ''}`,
        satisfies: (e) => e.op === 'claim' && e.dev === op.dev && (e.group === true) === (op.group === true),
      };
    case 'detach':
      return { needs: `an \`attach\` or \`replace\` of "${op.dev}"`, satisfies: (e) => (e.op === 'attach' || e.op === 'replace') && e.dev === op.dev };
    case 'pasidDetach':
      return {
        needs: `a \`pasidAttach\` of "${op.dev}" at PASID ${op.pasid}`,
        satisfies: (e) => e.op === 'pasidAttach' && e.dev === op.dev && e.pasid === op.pasid,
      };
    default:
      return null;
  }
}

/**
 * For each thread, from which index on its operations surely run after thread `t`'s operation
 * `i` has returned: the rest of `t`, and whatever waits for an event only operations already
 * ordered after it signal (an event one thread signals once; pause-point events are signalled
 * from inside the model, not ordered).
 */
function orderedAfter(spec: IommuScenarioSpec, t: number, i: number): number[] {
  const threads = spec.threads;
  const signallers = new Map<string, Array<{ thread: number; index: number }>>();
  threads.forEach((th, ti) =>
    th.ops.forEach((op, oi) => {
      if (op.op === 'signal') signallers.set(op.event, [...(signallers.get(op.event) ?? []), { thread: ti, index: oi }]);
    }),
  );
  const paused = new Set((spec.topology.pausePoints ?? []).flatMap((p) => [p, `${p}:resume`]));
  const from = threads.map((th) => th.ops.length);
  from[t] = i + 1;
  for (let changed = true; changed;) {
    changed = false;
    threads.forEach((th, ti) =>
      th.ops.forEach((op, oi) => {
        if (op.op !== 'wait' || oi + 1 >= from[ti]! || paused.has(op.event)) return;
        const s = signallers.get(op.event) ?? [];
        if (s.length === 1 && s[0]!.index >= from[s[0]!.thread]!) {
          from[ti] = oi + 1;
          changed = true;
        }
      }),
    );
  }
  return from;
}

/** the object an operation brings up or tears down, when only one caller at a time may do so */
function lifecycleTarget(op: Op): string | null {
  switch (op.op) {
    case 'register':
    case 'unregister':
      return `iommu ${op.iommu}`;
    case 'hotAdd':
    case 'remove':
      return `device ${op.dev}`;
    default:
      return null;
  }
}

/** may thread ti's op oi and thread tj's op rj run at the same time? */
function mayOverlap(spec: IommuScenarioSpec, ti: number, oi: number, tj: number, rj: number): boolean {
  return !(orderedAfter(spec, ti, oi)[tj]! <= rj || orderedAfter(spec, tj, rj)[ti]! <= oi);
}

/**
 * Caller contracts the kernel documents and the model does not enforce. A scenario where they may
 * be broken asks for what no kernel caller does; it is refused rather than reported as a kernel
 * bug (or, where the model's plain accesses rely on the contract, run into a search that cannot
 * tell its executions apart).
 * - pci_reset_function()'s caller holds the device (sysfs's kernfs active reference, VFIO's
 *   device reference), so a reset never races the removal of that same device.
 * - An IOMMU instance is registered and unregistered by its own driver's probe and remove, which
 *   the driver core serializes (device_lock of the IOMMU's device); a PCI function is added and
 *   removed under pci_rescan_remove_lock, and a function appears once. So no two of register /
 *   unregister of one IOMMU, or of hotAdd / remove of one device, run concurrently.
 */
function checkCallerContracts(spec: IommuScenarioSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  spec.threads.forEach((th, ti) =>
    th.ops.forEach((op, oi) => {
      const target = lifecycleTarget(op);
      spec.threads.forEach((other, tj) => {
        if (tj === ti) return;
        other.ops.forEach((r, rj) => {
          if (op.op === 'reset' && r.op === 'remove' && r.dev === op.dev && mayOverlap(spec, ti, oi, tj, rj)) {
            issues.push({
              path: ['threads', ti, 'ops', oi, 'op'],
              message:
                `reset of "${op.dev}" may run while thread "${other.name}" removes it (threads[${tj}].ops[${rj}]): the caller of ` +
                'pci_reset_function() holds the device (sysfs, VFIO), so no kernel caller resets a device being removed; ' +
                'order the two with signal/wait, or put them in one thread',
            });
          }
          // each pair once: reported at the earlier thread
          if (target === null || tj < ti || lifecycleTarget(r) !== target || !mayOverlap(spec, ti, oi, tj, rj)) return;
          const serializer = op.op === 'register' || op.op === 'unregister'
            ? 'an IOMMU is registered and unregistered only by its own driver\'s probe and remove, which the driver core serializes'
            : 'PCI functions are added and removed under pci_rescan_remove_lock, and a function appears once';
          issues.push({
            path: ['threads', ti, 'ops', oi, 'op'],
            message:
              `${op.op} of ${target} may run while thread "${other.name}" does ${r.op} of it (threads[${tj}].ops[${rj}]): ` +
              `${serializer}; order the two with signal/wait, or put them in one thread`,
          });
        });
      });
    }),
  );
  return issues;
}

export function checkPreconditions(spec: IommuScenarioSpec): SpecIssue[] {
  const all = placed(spec);
  const issues: SpecIssue[] = [...checkCallerContracts(spec)];
  for (const p of all) {
    const rule = ruleFor(p.op);
    if (rule === null) continue;
    if (all.some((e) => e !== p && mayPrecede(e, p) && rule.satisfies(e.op))) continue;
    issues.push({ path: [...p.path, 'op'], message: `${p.op.op} needs ${rule.needs} before it (in the prologue, earlier in its thread, or in another thread)` });
  }
  return issues;
}
