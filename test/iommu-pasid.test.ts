// PASID attach / replace / detach (spec core.md §4.8).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iommuAttachDevicePasid } from '../src/core/pasid.js';
import { sameTranslation } from '../src/hw/translation.js';
import type { IommuWorld } from '../src/scenarios/iommu/world.js';
import { EBUSY, EINVAL, ENOMEM, EOPNOTSUPP, type Gen } from '../src/sync/index.js';
import { kinds, op, pciTopology, run, spec } from './support/iommu.js';

const two = (extra = {}) =>
  pciTopology(
    [
      { name: 'f0', bus: 0, slot: 3, fn: 0, multifunction: true, pasids: 16 },
      { name: 'f1', bus: 0, slot: 3, fn: 1, multifunction: true, pasids: 16 },
      { name: 'f2', bus: 0, slot: 3, fn: 2, multifunction: true },
    ],
    extra,
  );

function pasidOn(w: IommuWorld, dev: string, pasid: number, domain: string): boolean {
  const d = w.devices.get(dev)!;
  const o = w.truth;
  const t = o.installedPasids(d).get(pasid);
  return t !== undefined && sameTranslation(t, o.translationOf(w.domains.get(domain)!));
}

function* domains(w: IommuWorld): Gen {
  yield* op(w, { op: 'domainAlloc', dev: 'f0', domain: 'S', pasid: true });
  yield* op(w, { op: 'domainAlloc', dev: 'f0', domain: 'T', pasid: true });
}

describe('iommu_attach_device_pasid', () => {
  it('programs every PASID-capable member, skips the others, then becomes visible', () => {
    const r = run(spec(two()), [function* (w) {
      yield* domains(w);
      assert.equal(yield* op(w, { op: 'pasidAttach', dev: 'f0', domain: 'S', pasid: 5 }), 0);
      assert.ok(pasidOn(w, 'f0', 5, 'S') && pasidOn(w, 'f1', 5, 'S'));
      assert.equal(w.truth.installedPasids(w.devices.get('f2')!).size, 0, 'no PASID support: skipped');
      assert.equal(w.devices.get('f0')!.iommuGroup!.pasidArray.entries(1).length, 1);
      assert.equal(yield* op(w, { op: 'pasidDetach', dev: 'f0', domain: 'S', pasid: 5 }), 0);
      assert.equal(w.truth.installedPasids(w.devices.get('f0')!).size, 0, 'detach removes it from every member');
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('errors: pasid 0 and pasid >= max_pasids -EINVAL, a taken slot -EBUSY', () => {
    const r = run(spec(two()), [function* (w) {
      yield* domains(w);
      const S = w.domains.get('S')!;
      const f0 = w.devices.get('f0')!;
      assert.equal(yield* iommuAttachDevicePasid(S, f0, 0, null), -EINVAL);
      assert.equal(yield* iommuAttachDevicePasid(S, f0, 16, null), -EINVAL);
      assert.equal(yield* op(w, { op: 'pasidAttach', dev: 'f0', domain: 'S', pasid: 2 }), 0);
      assert.equal(yield* iommuAttachDevicePasid(w.domains.get('T')!, f0, 2, null), -EBUSY);
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('-EOPNOTSUPP without a static blocked domain, or when paging domains have no set_dev_pasid', () => {
    for (const mock of [{ blockedDomain: 'none' as const }, { pasid: false }]) {
      const r = run(spec(two({ mock })), [function* (w) {
        yield* op(w, { op: 'domainAlloc', dev: 'f0', domain: 'S' });
        assert.equal(yield* iommuAttachDevicePasid(w.domains.get('S')!, w.devices.get('f0')!, 1, null), -EOPNOTSUPP);
      }]);
      assert.deepEqual(kinds(r), []);
    }
  });

  it('a member failing set_dev_pasid: the members done are undone and the reservation released', () => {
    const r = run(spec(two({ mock: { faults: [{ callback: 'set_dev_pasid', dev: 'f1', domain: 'paging' }] } })), [function* (w) {
      yield* domains(w);
      assert.equal(yield* op(w, { op: 'pasidAttach', dev: 'f0', domain: 'S', pasid: 4 }), -ENOMEM);
      assert.equal(w.truth.installedPasids(w.devices.get('f0')!).size, 0);
      assert.equal(w.devices.get('f0')!.iommuGroup!.pasidArray.slots.size, 0);
    }]);
    assert.deepEqual(kinds(r), []);
  });
});

describe('iommu_replace_device_pasid', () => {
  it('replaces the domain on every member and swaps the handle', () => {
    const r = run(spec(two()), [function* (w) {
      yield* domains(w);
      yield* op(w, { op: 'pasidAttach', dev: 'f0', domain: 'S', pasid: 7, handle: 'h1' });
      assert.equal(yield* op(w, { op: 'pasidReplace', dev: 'f0', domain: 'T', pasid: 7, handle: 'h2' }), 0);
      assert.ok(pasidOn(w, 'f0', 7, 'T') && pasidOn(w, 'f1', 7, 'T'));
    }]);
    assert.deepEqual(kinds(r), []);
  });

  it('nothing to replace is -EINVAL; reusing the attached handle WARNs with -EINVAL (and has already retargeted it)', () => {
    const r = run(spec(two()), [function* (w) {
      yield* domains(w);
      assert.equal(yield* op(w, { op: 'pasidReplace', dev: 'f0', domain: 'T', pasid: 9, handle: 'h' }), -EINVAL);
      yield* op(w, { op: 'pasidAttach', dev: 'f0', domain: 'S', pasid: 9, handle: 'h' });
      assert.equal(yield* op(w, { op: 'pasidReplace', dev: 'f0', domain: 'T', pasid: 9, handle: 'h' }), -EINVAL);
    }], { warnFails: false });
    // finding: iommu_make_pasid_array_entry() set handle->domain = T before the check, so
    // pasid_array[9] now decodes to T while the hardware is on S (I7)
    assert.deepEqual(kinds(r), ['invariant', 'warn']);
  });

  it('a failed replace rolls the done members back to the old domain', () => {
    const faults = [{ callback: 'set_dev_pasid' as const, dev: 'f1', domain: 'paging' as const, nth: 2 }];
    const r = run(spec(two({ mock: { faults } })), [function* (w) {
      yield* domains(w);
      yield* op(w, { op: 'pasidAttach', dev: 'f0', domain: 'S', pasid: 6, handle: 'h1' });
      assert.equal(yield* op(w, { op: 'pasidReplace', dev: 'f0', domain: 'T', pasid: 6, handle: 'h2' }), -ENOMEM);
      assert.ok(pasidOn(w, 'f0', 6, 'S') && pasidOn(w, 'f1', 6, 'S'));
    }]);
    assert.deepEqual(kinds(r), []);
  });
});
