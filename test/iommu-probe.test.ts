// Registration, bus probe in two phases, hot-add, grouping, default domain choice and setup,
// release (spec core.md §4.1 - §4.4).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IOMMU_DOMAIN_DMA, IOMMU_DOMAIN_IDENTITY } from '../src/core/domain-types.js';
import { sameTranslation } from '../src/hw/translation.js';
import { iommuProbeDevice } from '../src/core/probe.js';
import { EINVAL, ENODEV, EPROBE_DEFER, type Gen } from '../src/sync/index.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { DfsStrategy } from '../src/explorer/dfs.js';
import { explore } from '../src/explorer/engine.js';
import { checkScenario } from '../src/check/check.js';
import { iommuProgram } from '../src/scenarios/iommu/build.js';
import { claimBetweenPhasesSpec, iommuClaimBetweenPhases } from '../src/scenarios/iommu/findings/claim-between-phases.js';
import { scenarioAssert } from '../src/sync/index.js';
import { kinds, op, pciTopology, run, spec, mockDriver } from './support/iommu.js';

function group(w: IommuWorld, dev: string) {
  return w.devices.get(dev)!.iommuGroup;
}

function installedIs(w: IommuWorld, dev: string, domain: 'domain' | 'blocking'): boolean {
  const d = w.devices.get(dev)!;
  const g = d.iommuGroup!;
  const o = w.truth;
  return sameTranslation(o.installed(d, null), o.translationOf((domain === 'domain' ? g.domain : g.blockingDomain)!));
}

describe('bus_iommu_probe and grouping', () => {
  it('registration probes the present devices and gives each new group a default domain', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }, { name: 'b', bus: 0, slot: 2 }])), [
      function* (w) {
        const ga = group(w, 'a');
        const gb = group(w, 'b');
        assert.ok(ga !== null && gb !== null && ga !== gb, 'single-function endpoints get their own groups');
        for (const g of [ga, gb]) {
          assert.equal(g.defaultDomain?.type, IOMMU_DOMAIN_DMA);
          assert.equal(g.domain, g.defaultDomain);
        }
        assert.ok(installedIs(w, 'a', 'domain') && installedIs(w, 'b', 'domain'), 'the hardware is on the default domain');
        assert.equal(w.devices.get('a')!.dmaIommu, true, 'iommu_setup_dma_ops() selected iommu-dma');
      },
    ]);
    assert.deepEqual(kinds(r), []);
  });

  it('functions of a multifunction slot share a group without ACS, not with it', () => {
    const share = run(spec(pciTopology([
      { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true },
      { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true },
    ])), [function* (w) {
      assert.equal(group(w, 'f0'), group(w, 'f1'));
      assert.equal(group(w, 'f0')!.devices.length, 2);
    }]);
    assert.deepEqual(kinds(share), []);
    const apart = run(spec(pciTopology([
      { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true, acs: true },
      { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true, acs: true },
    ])), [function* (w) {
      assert.notEqual(group(w, 'f0'), group(w, 'f1'));
    }]);
    assert.deepEqual(kinds(apart), []);
  });

  it('a quirk DMA alias puts two devices in one group', () => {
    const r = run(spec(pciTopology([
      { name: 'a', bus: 0, slot: 4, aliases: [5 << 3] },
      { name: 'b', bus: 0, slot: 5 },
    ])), [function* (w) {
      assert.equal(group(w, 'a'), group(w, 'b'));
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('devices behind a PCIe-to-PCI bridge take the bridge\'s requester ID and group', () => {
    const r = run(spec(pciTopology([
      { name: 'br', bus: 0, slot: 6, bridge: { secondary: 2, kind: 'pcie-to-pci' }, acs: true },
      { name: 'x', bus: 2, slot: 0 },
      { name: 'y', bus: 2, slot: 1 },
    ])), [function* (w) {
      assert.equal(group(w, 'x'), group(w, 'y'));
      assert.equal(group(w, 'x'), group(w, 'br'), 'the bridge is a member of the group');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a port without ACS groups everything below it; with ACS each device is alone', () => {
    const fns = (acs: boolean) => pciTopology([
      { name: 'rp', bus: 0, slot: 1, bridge: { secondary: 1 }, acs },
      { name: 'sw', bus: 1, slot: 0, bridge: { secondary: 2 }, acs },
      { name: 'x', bus: 2, slot: 0 },
      { name: 'y', bus: 2, slot: 1 },
    ]);
    assert.deepEqual(kinds(run(spec(fns(false)), [function* (w) {
      assert.equal(group(w, 'x'), group(w, 'y'));
      assert.equal(group(w, 'x'), group(w, 'rp'), 'the highest non-isolated bridge is the grouping point');
    }])), []);
    assert.deepEqual(kinds(run(spec(fns(true)), [function* (w) {
      assert.notEqual(group(w, 'x'), group(w, 'y'));
    }])), []);
  });

  it('platform devices: one group each (generic), or one per instance (single)', () => {
    const t = (mode: 'generic' | 'single') => ({
      iommus: [{ name: 'smmu0' }],
      platform: [{ name: 'p0' }, { name: 'p1' }],
      mock: { deviceGroup: mode },
    });
    assert.deepEqual(kinds(run(spec(t('generic')), [function* (w) {
      assert.notEqual(group(w, 'p0'), group(w, 'p1'));
    }])), []);
    assert.deepEqual(kinds(run(spec(t('single')), [function* (w) {
      assert.equal(group(w, 'p0'), group(w, 'p1'));
      assert.equal(group(w, 'p0'), w.iommus.get('smmu0')!.singletonGroup);
    }])), []);
  });

  it('a device removed during phase 1 does not make bus_for_each_dev() skip the next one (klist)', () => {
    // ep0 is probed already (behind smmu1), so smmu0's walk passes it under the probe lock;
    // removing it while phase 1 visits ep1 must not shift the walk past ep2: a klist iteration
    // continues from the node it is on
    const s = {
      ...spec(pciTopology([
        { name: 'ep0', bus: 0, slot: 1, iommu: 'smmu1' },
        { name: 'ep1', bus: 0, slot: 2, iommu: 'smmu0' },
        { name: 'ep2', bus: 0, slot: 3, iommu: 'smmu0' },
      ], { iommus: [{ name: 'smmu1' }, { name: 'smmu0', registered: false }] })),
      threads: [
        { name: 'register', ops: [{ op: 'register' as const, iommu: 'smmu0', expect: 0 }] },
        { name: 'remove', ops: [{ op: 'remove' as const, dev: 'ep0', expect: 0 }] },
      ],
    };
    const base = iommuProgram(s);
    const program = {
      ...base,
      *teardown(w: IommuWorld, results: readonly unknown[]): Gen {
        for (const n of ['ep1', 'ep2']) scenarioAssert(group(w, n) !== null, `${n} was not probed by the registration`);
        yield* base.teardown!(w, results);
      },
    };
    // one preemption of the registration is enough to remove ep0 in the middle of phase 1
    const r = explore(program, new DfsStrategy(1));
    assert.equal(r.limitHit, false);
    // (a removal racing the visit of ep0 itself is another matter: see F3 in docs/FINDINGS.md)
    assert.deepEqual(r.found.map((c) => c.violation.splat).filter((m) => /was not probed/.test(m)), []);
  });

  it('a device the firmware puts behind no IOMMU is not probed', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, iommu: null }])), [function* (w) {
      assert.equal(w.devices.get('a')!.iommu, null, 'dev->iommu freed again');
      assert.equal(group(w, 'a'), null);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('default domain type and allocation', () => {
  it('def_domain_type IDENTITY gives the static identity domain', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }], { mock: { defDomainType: { a: 'identity' } } })), [function* (w) {
      assert.equal(group(w, 'a')!.defaultDomain, mockDriver(w).identity);
      assert.equal(w.devices.get('a')!.dmaIommu, false);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('an untrusted device forces DMA, and refuses a driver asking for IDENTITY', () => {
    const dma = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, untrusted: true }], { defaultDomainType: 'identity' })), [function* (w) {
      assert.equal(group(w, 'a')!.defaultDomain!.type, IOMMU_DOMAIN_DMA);
    }]);
    assert.deepEqual(kinds(dma), []);
    const refused = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, untrusted: true, present: false }], {
      mock: { defDomainType: { a: 'identity' } },
    }), [{ op: 'hotAdd', dev: 'a' }]), [function* (w) {
      assert.equal(yield* op(w, { op: 'hotAdd', dev: 'a' }), 0, 'device_add() itself succeeds');
      assert.equal(group(w, 'a'), null, 'probe failed with -EINVAL and unwound');
      assert.equal(w.devices.get('a')!.iommu, null);
    }]);
    assert.deepEqual(kinds(refused), []);
  });

  it('the global identity default, and a legacy driver default domain', () => {
    assert.deepEqual(kinds(run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }], { defaultDomainType: 'identity' })), [function* (w) {
      assert.equal(group(w, 'a')!.defaultDomain!.type, IOMMU_DOMAIN_IDENTITY);
    }])), []);
    assert.deepEqual(kinds(run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }], { mock: { legacyDefaultDomain: 'identity' } })), [function* (w) {
      assert.equal(group(w, 'a')!.defaultDomain, mockDriver(w).identity);
    }])), []);
  });

  it('a failed paging allocation falls back from DMA_FQ to DMA, and fails from DMA', () => {
    const fallback = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }], {
      defaultDomainType: 'dma-fq',
      mock: { faults: [{ callback: 'domain_alloc_paging', nth: 1 }] },
    })), [function* (w) {
      assert.equal(group(w, 'a')!.defaultDomain!.type, IOMMU_DOMAIN_DMA);
    }]);
    assert.deepEqual(kinds(fallback), []);
  });

  it('allocation failure at hot-add: the probe fails, the device is unwound, nothing leaks', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, present: false }], {
      mock: { faults: [{ callback: 'domain_alloc_paging', nth: 0 }] },
    })), [function* (w) {
      assert.equal(yield* op(w, { op: 'hotAdd', dev: 'a' }), 0);
      assert.equal(group(w, 'a'), null);
      assert.equal(w.devices.get('a')!.iommu, null);
      assert.equal([...w.core.ghostGroups].every((g) => g.freed), true, 'the new group was freed');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('allocation failure in phase 2 fails the registration, which releases every device', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }], {
      iommus: [{ name: 'smmu0', registered: false }],
      mock: { faults: [{ callback: 'domain_alloc_paging', nth: 0 }] },
    })), [function* (w): Gen<void> {
      assert.equal(yield* op(w, { op: 'register', iommu: 'smmu0' }), -EINVAL, 'a failed DMA default is -EINVAL');
      assert.equal(group(w, 'a'), null);
      assert.equal(w.core.iommuDeviceList.length, 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('device_group returning NULL WARNs once and fails the probe with -EINVAL', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, present: false }], {
      mock: { faults: [{ callback: 'device_group', returnNull: true }] },
    })), [function* (w) {
      assert.equal(yield* op(w, { op: 'hotAdd', dev: 'a' }), 0);
      assert.equal(group(w, 'a'), null);
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });
});

describe('hot-add, deferred attach, release', () => {
  it('a deferred device joining a group on its default domain is not programmed until its first DMA map', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1, present: false }], { mock: { deferredAttach: ['a'] } })), [function* (w) {
      yield* op(w, { op: 'hotAdd', dev: 'a' });
      const a = w.devices.get('a')!;
      assert.equal(a.iommu!.attachDeferred, true);
      assert.equal(w.truth.installed(a, null).kind, 'none', 'hardware untouched');
      yield* op(w, { op: 'bind', dev: 'a' });
      assert.equal(yield* op(w, { op: 'dmaMap', dev: 'a', paddr: 0x10000, as: 'b' }), 0);
      assert.equal(a.iommu!.attachDeferred, false);
      assert.ok(installedIs(w, 'a', 'domain'));
      assert.equal(yield* op(w, { op: 'dma', dev: 'a', handle: 'b' }), 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('the last member leaving frees the default and blocking domains and the group', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }])), [function* (w) {
      const g = group(w, 'a')!;
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'a', owner: 'o' });
      yield* op(w, { op: 'releaseOwner', dev: 'a' });
      const def = g.defaultDomain!;
      assert.equal(yield* op(w, { op: 'remove', dev: 'a' }), 0);
      assert.equal(def.freed, true);
      assert.equal(g.freed, true);
      assert.equal(w.devices.get('a')!.iommu, null);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('removing a member of a group owned with an external domain WARNs only for the last member', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }])), [function* (w) {
      yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true });
      yield* op(w, { op: 'claim', dev: 'a', owner: 'o' });
      yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D' });
      yield* op(w, { op: 'attach', dev: 'a', domain: 'D' });
      // removal without giving ownership back: __iommu_group_free_device() WARNs
      yield* op(w, { op: 'remove', dev: 'a' });
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });

  it('a driver bind racing device_del() either binds before it or is refused: release never sees a bound driver', () => {
    // device_del() starts with kill_device() under device_lock; bus_remove_device() then takes
    // the device off the klist and unbinds its driver; BUS_NOTIFY_REMOVED_DEVICE comes last
    const s = {
      ...spec(pciTopology([{ name: 'ep0', bus: 0, slot: 1 }])),
      threads: [
        { name: 'bind', ops: [{ op: 'bind' as const, dev: 'ep0', expect: [0, -ENODEV] }] },
        { name: 'remove', ops: [{ op: 'remove' as const, dev: 'ep0', expect: 0 }] },
      ],
    };
    // one preemption of either thread is enough to put the bind anywhere in the removal
    const r = explore(iommuProgram(s), new DfsStrategy(1));
    assert.equal(r.limitHit, false);
    assert.deepEqual(r.found.map((c) => c.violation.splat), []);
  });

  it('iommu_device_unregister() releases the devices of the instance', () => {
    const r = run(spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }])), [function* (w) {
      assert.equal(yield* op(w, { op: 'unregister', iommu: 'smmu0' }), 0);
      assert.equal(group(w, 'a'), null);
      assert.equal(w.devices.get('a')!.iommu, null);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('finding: an owner claims a group between the bus_iommu_probe() phases', () => {
  it('the claim leaves a domain without a default domain (I4); past it, phase 2 replaces the owner\'s domain', () => {
    assert.equal(checkScenario(iommuClaimBetweenPhases).matches, true);
    // the same run with the §6 oracles off, to see what phase 2 does to the owned group
    const base = iommuProgram(claimBetweenPhasesSpec);
    const ownedOnDefault: boolean[] = [];
    const program = {
      ...base,
      checker: undefined,
      *teardown(world: IommuWorld, results: readonly unknown[]): Gen {
        const g = world.devices.get('ep0')!.iommuGroup!;
        ownedOnDefault.push(g.owner !== null && g.domain === g.defaultDomain);
        yield* base.teardown!(world, results);
      },
    };
    const r = explore(program, new DfsStrategy());
    assert.equal(r.exhaustive, true);
    assert.ok(ownedOnDefault.length > 0 && ownedOnDefault.every((x) => x), 'phase 2 put the owned group on its default domain');
    // and the owner's DMA to the IOVA it mapped in D faults in the default domain
    const splats = r.found.map((c) => c.violation.splat);
    assert.ok(splats.some((m) => /dma\(dev=ep0, iova=262144\) returned -EFAULT, expected 0/.test(m)), splats.join('\n'));
  });
});

describe('patch probeDeferWithoutDefaultDomain', () => {
  it('a replayed iommu_probe_device() between the bus_iommu_probe() phases defers (6.6.y), mainline returns 0', () => {
    for (const patched of [false, true]) {
      const s = spec(pciTopology([{ name: 'a', bus: 0, slot: 1 }], {
        iommus: [{ name: 'smmu0', registered: false }],
        pausePoints: ['bus_iommu_probe:pci:phase2'],
      }), [], patched ? { patches: ['probeDeferWithoutDefaultDomain'] } : {});
      let replay = NaN;
      const r = run(s, [
        function* (w) {
          yield* op(w, { op: 'register', iommu: 'smmu0' });
        },
        function* (w) {
          yield* op(w, { op: 'wait', event: 'bus_iommu_probe:pci:phase2' });
          replay = yield* iommuProbeDevice(w.devices.get('a')!);
          yield* op(w, { op: 'signal', event: 'bus_iommu_probe:pci:phase2:resume' });
        },
      ]);
      assert.deepEqual(kinds(r), []);
      assert.equal(replay, patched ? -EPROBE_DEFER : 0);
    }
  });
});
