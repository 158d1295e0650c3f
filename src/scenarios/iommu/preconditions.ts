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

export function checkPreconditions(spec: IommuScenarioSpec): SpecIssue[] {
  const all = placed(spec);
  const issues: SpecIssue[] = [];
  for (const p of all) {
    const rule = ruleFor(p.op);
    if (rule === null) continue;
    if (all.some((e) => e !== p && mayPrecede(e, p) && rule.satisfies(e.op))) continue;
    issues.push({ path: [...p.path, 'op'], message: `${p.op.op} needs ${rule.needs} before it (in the prologue, earlier in its thread, or in another thread)` });
  }
  return issues;
}
