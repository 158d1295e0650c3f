// Mock IOMMU domains: a paging domain over an IO page table, and the static blocked and identity
// domains. Each keeps the devices (and PASIDs) attached to it, like real drivers do, so unmap
// can send ATS invalidations to them.
import { IommuDomain } from '../../core/domain.js';
import type { IoPageTable } from '../../hw/io-pgtable.js';
import type { MockDev } from './device.js';
import type { MockDriver } from './mock.js';

export type MockDomainKind = 'paging' | 'blocked' | 'identity';

export class MockDomain extends IommuDomain {
  /** the devices attached (RID or PASID), with how many attachments each; under mock_domains_lock */
  readonly users = new Map<MockDev, number>();
  /** the page table; null for blocked/identity */
  pt: IoPageTable | null = null;

  constructor(
    readonly kind: MockDomainKind,
    tag: string,
    /** the driver state of this boot (to_mock_domain(domain)->mock) */
    readonly drv: MockDriver,
  ) {
    super(tag);
  }
}
