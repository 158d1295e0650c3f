// The automatic cleanup after the threads, like closing an iommufd/VFIO fd and unloading
// everything: undo what the operations left, in the order the kernel's users do it (DMA unmapped,
// PASIDs and RIDs detached, ownership released, domains freed, and only then drivers unbound,
// devices removed, IOMMUs unregistered), so that teardown reports nothing a real teardown would
// not and the leak check at the end means something.
import { deviceDel } from '../../base/bus.js';
import { deviceReleaseDriver } from '../../base/dd.js';
import { iommuDomainFree } from '../../core/domain.js';
import { iommuGroupPut } from '../../core/group.js';
import { iommuDeviceUnregister } from '../../core/iommu-device.js';
import { iommuUnmap } from '../../core/map.js';
import { iommuDeviceReleaseDmaOwner, iommuGroupReleaseDmaOwner } from '../../core/ownership.js';
import { iommuDetachDevicePasid } from '../../core/pasid.js';
import { dmaUnmapPage } from '../../dma/dma-iommu.js';
import type { Gen } from '../../sync/index.js';
import { detach } from './ops.js';
import { deviceNamed, type IommuWorld } from './world.js';

export function* cleanupWorld(w: IommuWorld): Gen {
  // teardown runs alone: the ledger is read and written plainly, in declaration order
  const L = w.ledger;
  // DMA-API mappings still held by bound drivers
  for (const e of L.dmaMaps.values()) {
    const m = e.value;
    e.value = null;
    if (m !== null) yield* dmaUnmapPage(m.dev, m.addr, m.size);
  }
  // the users detach their PASIDs and RID attachments: a driver's remove() before it returns, an
  // iommufd/VFIO fd when it is closed; unbinding first would leave PASIDs attached to a group the
  // driver core takes back (iommu_device_unuse_default_domain() WARNs on a non-empty pasid_array)
  for (const e of L.pasids.values()) {
    const d = e.value;
    e.value = null;
    if (d !== null) yield* iommuDetachDevicePasid(d, deviceNamed(w, e.device!), Number(e.key.slice(e.key.lastIndexOf('/') + 1)));
  }
  for (const e of L.attached.values()) {
    const a = e.value;
    e.value = null;
    if (a !== null) yield* detach(w, deviceNamed(w, e.key), a.api, a.domain);
  }
  // gives ownership back, last declared first
  for (const e of [...L.claims.values()].reverse()) {
    const dev = deviceNamed(w, e.device!);
    for (; e.value > 0; e.value--) {
      if (e.key.endsWith(':group')) {
        // VFIO releases the group it holds (ops.ts withGroup())
        const g = L.groupRefs.get(dev.name)?.value ?? dev.iommuGroup;
        if (g !== null) yield* iommuGroupReleaseDmaOwner(g);
      } else {
        yield* iommuDeviceReleaseDmaOwner(dev);
      }
    }
  }
  // unmaps and frees its domains (iommufd destroys its hwpts when the fd closes; a driver frees its own in remove())
  for (const e of L.domains.values()) {
    const named = e.value;
    e.value = null;
    if (named === null) continue;
    for (const m of named.maps) yield* iommuUnmap(named.domain, m.iova, m.size);
    yield* iommuDomainFree(named.domain);
  }
  // then the drivers unbind (module unload): VFIO's puts the group reference it held
  for (const e of L.groupRefs.values()) {
    const g = e.value;
    e.value = null;
    if (g !== null) yield* iommuGroupPut(g);
  }
  for (const e of L.bound.values()) {
    if (!e.value) continue;
    e.value = false;
    yield* deviceReleaseDriver(deviceNamed(w, e.key));
  }
  // devices go away, then the IOMMU instances
  for (const dev of [...w.deviceList].reverse()) if (dev.added) yield* deviceDel(dev);
  for (const e of L.registered.values()) {
    if (!e.value) continue;
    e.value = false;
    yield* iommuDeviceUnregister(w.iommus.get(e.key)!);
  }
}
