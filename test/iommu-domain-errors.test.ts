// Error paths of domain switching, the attach APIs and group handles, domain allocation and
// map/unmap (spec core.md §4.5, §4.6, §4.10, §4.11): return codes, the group's bookkeeping and
// the hardware the mock programmed are unchanged, WARNs reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iommuAttachGroup } from '../src/core/attach.js';
import { IOMMU_DOMAIN_DMA, IOMMU_DOMAIN_UNMANAGED } from '../src/core/domain-types.js';
import { IommuDomain, iommuPagingDomainAlloc } from '../src/core/domain.js';
import { iommuAttachHandleGet, iommuReplaceGroupHandle } from '../src/core/group-handle.js';
import { __iommuUnmap, iommuIovaToPhys, iommuMap } from '../src/core/map.js';
import { iommuIotlbGatherInit } from '../src/core/ops.js';
import { __iommuGroupSetDomainInternal } from '../src/core/set-domain.js';
import { sameTranslation } from '../src/hw/translation.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { EBUSY, EINVAL, ENODEV, ENOMEM, EOPNOTSUPP, type Gen, mutexLock, mutexUnlock } from '../src/sync/index.js';
import { kinds, op, pciTopology, run, spec, mockDriver } from './support/iommu.js';

const one = pciTopology([{ name: 'a', bus: 0, slot: 1 }, { name: 'n', bus: 0, slot: 2, iommu: null }]);

function on(w: IommuWorld, dev: string, domain: IommuDomain | null): boolean {
  const d = w.devices.get(dev)!;
  const o = w.truth;
  return domain !== null && sameTranslation(o.installed(d, null), o.translationOf(domain));
}

function* owned(w: IommuWorld): Gen {
  assert.equal(yield* op(w, { op: 'bind', dev: 'a', driverManagedDma: true }), 0);
  assert.equal(yield* op(w, { op: 'claim', dev: 'a', owner: 'o' }), 0);
  assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D' }), 0);
  assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'E' }), 0);
}

describe('__iommu_attach_device / __iommu_group_set_domain_internal argument errors', () => {
  it('a domain without attach_dev is -ENODEV; the group stays on its domain in bookkeeping and hardware', () => {
    const r = run(spec(one), [function* (w) {
      yield* owned(w);
      const g = w.devices.get('a')!.iommuGroup!;
      const bare = new IommuDomain('bare');
      bare.type = IOMMU_DOMAIN_UNMANAGED;
      bare.owner = mockDriver(w).ops;
      bare.ops = {};
      assert.equal(yield* iommuAttachGroup(bare, g), -ENODEV);
      assert.equal(g.domain, g.blockingDomain);
      assert.ok(on(w, 'a', g.blockingDomain));
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a NULL new domain WARNs and is -EINVAL', () => {
    const r = run(spec(one), [function* (w) {
      const g = w.devices.get('a')!.iommuGroup!;
      const before = g.domain;
      yield* mutexLock(g.mutex);
      assert.equal(yield* __iommuGroupSetDomainInternal(g, null, 0), -EINVAL);
      yield* mutexUnlock(g.mutex);
      assert.equal(g.domain, before);
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });
});

describe('iommu_attach_group', () => {
  it('-EBUSY while the group is on a domain that is neither default nor blocking; the first attach stays', () => {
    const r = run(spec(one), [function* (w) {
      yield* owned(w);
      const g = w.devices.get('a')!.iommuGroup!;
      assert.equal(yield* op(w, { op: 'attach', dev: 'a', domain: 'D', api: 'group' }), 0);
      assert.equal(yield* iommuAttachGroup(w.domains.get('E')!, g), -EBUSY);
      assert.equal(g.domain, w.domains.get('D'));
      assert.ok(on(w, 'a', w.domains.get('D')!));
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('group handles: detach, failed replace, lookup by type', () => {
  it('detach_group_handle returns the owned group to the blocking domain and empties pasid_array[0]', () => {
    const r = run(spec(one), [function* (w) {
      yield* owned(w);
      const g = w.devices.get('a')!.iommuGroup!;
      assert.equal(yield* op(w, { op: 'attach', dev: 'a', domain: 'D', api: 'handle', handle: 'h' }), 0);
      assert.equal(yield* op(w, { op: 'detach', dev: 'a' }), 0);
      assert.equal(g.domain, g.blockingDomain);
      assert.ok(on(w, 'a', g.blockingDomain));
      assert.equal(g.pasidArray.slots.size, 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('a failed replace keeps the existing entry, the domain and the hardware', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1 }], { mock: { faults: [{ callback: 'attach_dev', domain: 'paging', nth: 3 }] } });
    const r = run(spec(t), [function* (w) {
      yield* owned(w);
      const g = w.devices.get('a')!.iommuGroup!;
      // paging attaches: the default domain at probe (1st), D (2nd), E fails (3rd)
      assert.equal(yield* op(w, { op: 'attach', dev: 'a', domain: 'D', api: 'handle', handle: 'h1' }), 0);
      assert.equal(yield* op(w, { op: 'replace', dev: 'a', domain: 'E', handle: 'h2', expect: -ENOMEM }), -ENOMEM);
      assert.equal(g.domain, w.domains.get('D'));
      assert.ok(on(w, 'a', w.domains.get('D')!));
      assert.equal(yield* iommuAttachHandleGet(g, 0, 0), w.handles.get('h1'), 'the old entry is kept');
      assert.equal(yield* iommuReplaceGroupHandle(g, w.domains.get('E')!, null), -EINVAL);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('iommu_attach_handle_get() with a type: the handle when the domain has it, -EBUSY otherwise', () => {
    const r = run(spec(one), [function* (w) {
      yield* owned(w);
      const g = w.devices.get('a')!.iommuGroup!;
      yield* op(w, { op: 'attach', dev: 'a', domain: 'D', api: 'handle', handle: 'h' });
      assert.equal(yield* iommuAttachHandleGet(g, 0, IOMMU_DOMAIN_UNMANAGED), w.handles.get('h'));
      assert.equal(yield* iommuAttachHandleGet(g, 0, IOMMU_DOMAIN_DMA), -EBUSY);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('iommu_paging_domain_alloc_flags', () => {
  it('-ENODEV without an IOMMU, -EOPNOTSUPP for flags the driver lacks, the driver\'s error as is', () => {
    const t = pciTopology([{ name: 'a', bus: 0, slot: 1 }, { name: 'n', bus: 0, slot: 2, iommu: null }], {
      mock: { pasid: false, faults: [{ callback: 'domain_alloc_paging', dev: 'a', nth: 2, err: -ENOMEM }] },
    });
    const r = run(spec(t), [function* (w) {
      assert.equal(yield* iommuPagingDomainAlloc(w.devices.get('n')!), -ENODEV);
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'P', pasid: true, expect: -EOPNOTSUPP }), -EOPNOTSUPP);
      // the 1st paging allocation for a was its default domain
      assert.equal(yield* op(w, { op: 'domainAlloc', dev: 'a', domain: 'D', expect: -ENOMEM }), -ENOMEM);
      assert.equal(w.domains.size, 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('map / unmap edge cases', () => {
  it('a paging domain without map_pages WARNs with -ENODEV', () => {
    const r = run(spec(one), [function* () {
      const d = new IommuDomain('nomap');
      d.type = IOMMU_DOMAIN_UNMANAGED;
      d.pgsizeBitmap = 0x1000;
      d.ops = {};
      assert.equal(yield* iommuMap(d, 0x1000, 0x1000, 0x1000, 3), -ENODEV);
    }], { warnFails: false });
    assert.deepEqual(kinds(r), ['warn']);
  });

  it('__iommu_unmap stops at the first hole the driver reports, so it returns less than asked', () => {
    const r = run(spec(one), [function* () {
      const d = new IommuDomain('holes');
      d.type = IOMMU_DOMAIN_UNMANAGED;
      d.pgsizeBitmap = 0x1000;
      let calls = 0;
      d.ops = {
        *unmapPages(_d, _iova, pgsize) {
          calls++;
          return calls === 1 ? pgsize : 0;
        },
      };
      const gather = iommuIotlbGatherInit();
      // the driver unmaps one page of the first call, then reports a hole (0 bytes)
      assert.equal(yield* __iommuUnmap(d, 0x10000, 0x3000, gather), 0x1000);
      assert.equal(calls, 2);
      assert.deepEqual([gather.start, gather.end], [0x10000, 0x10fff], 'the core records the range the driver did not');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('iommu_iova_to_phys(): IDENTITY gives the IOVA, BLOCKED 0', () => {
    const r = run(spec(one), [function* (w) {
      assert.equal(yield* iommuIovaToPhys(mockDriver(w).identity!, 0x4000), 0x4000);
      assert.equal(yield* iommuIovaToPhys(mockDriver(w).blocked!, 0x4000), 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});
