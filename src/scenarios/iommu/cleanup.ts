// The automatic cleanup after the threads, like closing an iommufd/VFIO fd and unloading
// everything: undo what the operations left, in the order the kernel's users do it (DMA unmapped,
// PASIDs and RIDs detached, ownership released, domains freed, and only then drivers unbound,
// devices removed, IOMMUs unregistered), so that teardown reports nothing a real teardown would
// not and the leak check at the end means something.
import { deviceDel } from '../../base/bus.js';
import { deviceReleaseDriver } from '../../base/dd.js';
import { iommuDomainFree } from '../../core/domain.js';
import { iommuDeviceUnregister } from '../../core/iommu-device.js';
import { iommuUnmap } from '../../core/map.js';
import { iommuDeviceReleaseDmaOwner, iommuGroupReleaseDmaOwner } from '../../core/ownership.js';
import { iommuDetachDevicePasid } from '../../core/pasid.js';
import { dmaUnmapPage } from '../../dma/dma-iommu.js';
import type { Gen } from '../../sync/index.js';
import { detach } from './ops.js';
import type { IommuWorld } from './world.js';

export function* cleanupWorld(w: IommuWorld): Gen {
  const L = w.ledger;
  // DMA-API mappings still held by bound drivers
  for (const [name, m] of [...L.dmaMaps]) {
    L.dmaMaps.delete(name);
    yield* dmaUnmapPage(m.dev, m.addr, m.size);
  }
  // the users detach their PASIDs and RID attachments: a driver's remove() before it returns, an
  // iommufd/VFIO fd when it is closed; unbinding first would leave PASIDs attached to a group the
  // driver core takes back (iommu_device_unuse_default_domain() WARNs on a non-empty pasid_array)
  for (const [key, p] of [...L.pasids]) {
    L.pasids.delete(key);
    yield* iommuDetachDevicePasid(p.domain, p.dev, p.pasid);
  }
  for (const [dev, a] of [...L.attached]) {
    L.attached.delete(dev);
    yield* detach(dev, a.api, a.domain);
  }
  // gives ownership back
  for (const c of L.claims.splice(0).reverse()) {
    if (c.group) {
      const g = c.dev.iommuGroup;
      if (g !== null) yield* iommuGroupReleaseDmaOwner(g);
    } else {
      yield* iommuDeviceReleaseDmaOwner(c.dev);
    }
  }
  // unmaps and frees its domains (iommufd destroys its hwpts when the fd closes; a driver frees its own in remove())
  for (const [name, d] of [...w.domains]) {
    w.domains.delete(name);
    for (const m of L.maps.get(d) ?? []) yield* iommuUnmap(d, m.iova, m.size);
    L.maps.delete(d);
    yield* iommuDomainFree(d);
  }
  // then the drivers unbind (module unload)
  for (const dev of [...L.bound]) {
    L.bound.delete(dev);
    yield* deviceReleaseDriver(dev);
  }
  // devices go away, then the IOMMU instances
  for (const dev of [...w.deviceList].reverse()) if (dev.added) yield* deviceDel(dev);
  for (const iommu of [...L.registered]) {
    L.registered.delete(iommu);
    yield* iommuDeviceUnregister(iommu);
  }
}
