// Per-device state of the mock driver (dev_iommu_priv): its instance, stream IDs, and the domains
// it is attached to (a driver-held reference like s390's zdev->s390_domain).
import type { Device } from '../../base/device.js';
import { KObject } from '../../sync/index.js';
import type { MockDomain } from './domain.js';
import type { MockIommu } from './iommu.js';

export class MockDev extends KObject {
  /** the RID's domain as the driver last programmed it */
  domain: MockDomain | null = null;
  /** PASID -> domain as programmed */
  readonly pasids = new Map<number, MockDomain>();
  /** the domains its RID was ever attached to (failAsChoice fails only a first attach) */
  readonly hadRid = new Set<MockDomain>();

  constructor(
    readonly dev: Device,
    readonly iommu: MockIommu,
    readonly sids: readonly number[],
  ) {
    super();
  }

  override get label(): string {
    return `mock_dev:${this.dev.name}`;
  }
}
