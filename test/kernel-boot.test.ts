// A Kernel is one boot over a Machine: it can end (kmemleak scans what it still has, its objects
// become unreachable, no kernel runs) and a second kernel boots over the same machine and finds
// the hardware as the first left it. The Machine points at no kernel object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iommuCore } from '../src/core/globals.js';
import { runOnce } from '../src/explorer/run-once.js';
import type { StreamTable } from '../src/hw/stream-table.js';
import { kernelEnd } from '../src/kernel/end.js';
import { Kernel } from '../src/kernel/kernel.js';
import { Device, FwNode } from '../src/base/device.js';
import { Module } from '../src/base/module.js';
import { DevIommu } from '../src/core/dev-iommu.js';
import { IommuDomain } from '../src/core/domain.js';
import { IommuGlobals } from '../src/core/globals.js';
import { IommuGroup } from '../src/core/group.js';
import { IommuDevice } from '../src/core/iommu-device.js';
import type { Program } from '../src/rt/execution.js';
import { runOps } from '../src/scenarios/iommu/build.js';
import { bootFor, buildWorld, type IommuWorld } from '../src/scenarios/iommu/world.js';
import { pciTopology, spec } from './support/iommu.js';

// (iommu_attach_group(): iommu_attach_device() is a bound driver's call, and no driver is bound here)
const s = spec(pciTopology([{ name: 'a', bus: 0, slot: 1, ats: true }]), [], {
  prologue: [{ op: 'domainAlloc', dev: 'a', domain: 'D' }, { op: 'attach', dev: 'a', domain: 'D', api: 'group' }, { op: 'map', domain: 'D', iova: 0x10000, paddr: 0x80000, size: 0x1000 }],
});

/** every kernel object reachable from `root` without passing through the machine's hardware */
function reachesKernel(root: object, isKernel: (o: object) => boolean): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v !== root && isKernel(v)) return true;
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set || Array.isArray(v)) stack.push(...(v as Iterable<unknown>));
    else stack.push(...Object.values(v));
  }
  return false;
}

describe('kernel boots over a machine', () => {
  it('ends with a leak scan of its own objects, and a second boot finds the hardware as the first left it', () => {
    let first: Kernel | null = null;
    let second: Kernel | null = null;
    let ste: string | null = null;
    let table: unknown = null;
    let w: IommuWorld | null = null;
    const program: Program<IommuWorld> = {
      setup: () => (w = buildWorld(s)),
      *prologue(w) {
        yield* runOps(w, [{ op: 'register', iommu: 'smmu0' }, ...s.prologue!]);
      },
      threads: (world) => [
        {
          name: 'kexec',

          *body() {
            const w = world;
            const unit = w.machine.units.get('smmu0') as StreamTable;
            const rid = w.devices.get('a')!.fw.ids[0]!;
            table = unit.installed(rid, null);
            first = w.kernel;
            kernelEnd(w.kernel);
            assert.equal(iommuCore, null, 'no kernel runs between the two');
            second = bootFor(s, w.machine, 2);
            w.kernel = second;
            ste = unit.installed(rid, null).kind;
            assert.equal(unit.installed(rid, null), table, 'the stream entry still translates through the table kernel 1 installed');
            assert.equal(w.machine.endpoints.get('a')!.atsEnabled, true, 'ATS still enabled in the function');
            assert.equal(iommuCore, second.core, 'the running kernel is the second one');
          },
        },
      ],
    };
    const exec = runOnce(program, [], { faults: { mode: 'none' }, warnFails: true, trace: false, strict: true });
    assert.deepEqual(exec.violations.filter((v) => v.kind !== 'leak'), [], 'nothing but leaks');
    const leaks = exec.violations.map((v) => v.title);
    // kernel 1 ended with its domain, page table, group and the device's IOMMU state allocated
    for (const what of ['domain:D', 'io_pgtable', 'group#', 'dev_iommu:a', 'mock_dev:a']) {
      assert.ok(leaks.some((t) => t.includes(what)), `kmemleak at the end of kernel 1 reports ${what}: ${leaks.join('; ')}`);
    }
    assert.ok(exec.violations.every((v) => v.thread === 'kexec'), 'all reported when kernel 1 ended, none at the end of the execution');
    assert.equal(ste, 'translate');
    const k1 = first!;
    const k2 = second!;
    assert.ok(k1.ended && !k2.ended);
    assert.notEqual(k2.devices.get('a'), k1.devices.get('a'), 'kernel 2 enumerated its own device');
    assert.equal(k2.devices.get('a')!.ep, k1.devices.get('a')!.ep, 'over the same endpoint');
    assert.equal(k2.devices.get('a')!.iommuGroup, null, 'kernel 2 knows nothing of kernel 1\'s groups');
    const kernelClasses = [Kernel, IommuGlobals, Device, FwNode, IommuDevice, IommuGroup, IommuDomain, DevIommu, Module];
    const kernelObject = (o: object) => kernelClasses.some((c) => o instanceof c);
    assert.equal(reachesKernel(w!, kernelObject), true, 'the predicate sees kernel objects');
    assert.equal(reachesKernel(k2.machine, kernelObject), false, 'the machine points at no kernel object');
  });
});
