// struct device_domain_info: the driver's per-device state (dev_iommu_priv): its unit, source-id
// (bus, devfn), PASID table, ATS, and the RID's domain as the driver last programmed it
// (info->domain, domain_attached).
import type { Device } from '../../base/device.js';
import { devIommuPrivGet } from '../../core/dev-iommu.js';
import { deref, type Gen, KObject } from '../../sync/index.js';
import type { DmarDomain } from './domain.js';
import type { IntelIommu, SidTables } from './iommu.js';

export class DeviceDomainInfo extends KObject {
  /** info->domain: the RID's paging domain (null when blocked or identity) */
  domain: DmarDomain | null = null;
  /** info->domain_attached */
  domainAttached = false;
  /** info->ats_supported: the device and the unit support ATS */
  atsSupported = false;
  /** info->ats_enabled */
  atsEnabled = false;
  /** info->pasid_supported */
  pasidSupported = false;

  constructor(
    readonly dev: Device,
    readonly iommu: IntelIommu,
    /** PCI_DEVID(bus, devfn): the source-id */
    readonly sid: number,
    /** info->pasid_table */
    readonly pasidTable: SidTables,
  ) {
    super();
  }

  override get label(): string {
    return `device_domain_info:${this.dev.name}`;
  }
}

/** dev_iommu_priv_get(dev), dereferenced as the driver does (info->...): a freed info is a use-after-free */
export function* deviceInfo(dev: Device): Gen<DeviceDomainInfo> {
  return deref(yield* devIommuPrivGet<DeviceDomainInfo | null>(dev), 'dev_iommu_priv_get(dev)');
}
