// The knobs of each IOMMU driver as a scenario file writes them (its topology key), with their
// schema. Only scenarios/file imports zod; a driver's registry entry (drivers/registry.ts) names
// the key and the defaults, and a new driver adds its schema here.
import * as z from 'zod';
import { mockCallbacks } from '../../drivers/mock/options.js';
import { strictObject } from './strict-object.js';
import { errno, int, maxPasidCount, name } from './values.js';

export const mockFault = strictObject({
  callback: z.enum(mockCallbacks).describe('the driver callback to fail'),
  dev: name().optional().describe('only calls for this device'),
  domain: z.enum(['paging', 'blocked', 'identity']).optional().describe('only calls with a domain of this kind'),
  nth: int(0, Number.MAX_SAFE_INTEGER).optional().describe('fail the nth matching call (1-based); 0: every matching call'),
  err: errno.optional().describe('the negative errno it fails with (default -ENOMEM; -ENODEV for probe_device)'),
  returnNull: z.boolean().optional().describe('device_group only: return NULL instead of an error'),
}).describe('a driver callback made to fail');

export const mock = strictObject({
  blockedDomain: z.enum(['static', 'none']).optional()
    .describe('ops->blocked_domain: a static one (default), or none (the core allocates an empty paging domain)'),
  identityDomain: z.enum(['static', 'alloc', 'none']).optional()
    .describe('a static ops->identity_domain (default), domain_alloc_identity, or no identity support'),
  releaseDomain: z.enum(['blocked', 'identity', 'none']).optional()
    .describe('ops->release_domain (default none: release_device blocks the device itself)'),
  legacyDefaultDomain: z.enum(['identity', 'blocked', 'none']).optional().describe('the legacy ops->default_domain'),
  deviceGroup: z.enum(['pci', 'generic', 'single']).optional()
    .describe('ops->device_group: PCI rules (generic for platform devices), one group per device, or one per instance'),
  pasid: z.boolean().optional().describe('paging domains implement set_dev_pasid (default true)'),
  maxPasids: int(0, maxPasidCount).optional().describe('iommu_device::max_pasids of every instance (default 0x100)'),
  deferredAttach: z.array(name()).optional().describe('devices whose first attach waits for the first DMA map (is_attach_deferred)'),
  defDomainType: z.record(z.string(), z.enum(['identity', 'dma'])).optional()
    .describe('def_domain_type answers: device name -> identity or dma'),
  probeFinalize: z.boolean().optional().describe('implement probe_finalize'),
  lastPasidRestoresRid: z.boolean().optional()
    .describe('when a device\'s last PASID is removed, re-attach its RID domain if that is identity or blocked, as the core reports it (iommu_driver_get_domain_for_dev()): arm_smmu_blocking_set_dev_pasid()\'s STE downgrade'),
  faults: z.array(mockFault).optional().describe('driver callbacks made to fail'),
  failAsChoice: z.array(z.enum(mockCallbacks)).optional()
    .describe('callbacks whose failure is a fault point: a choice under --faults choice, counted by fail_nth'),
}).describe('the mock driver\'s knobs');

export const smmuv3 = strictObject({
  stages: z.enum(['s1', 's2', 'both']).optional().describe('the stages the SMMU translates (default both; paging domains are S1 when it has S1)'),
  ats: z.boolean().optional().describe('FEAT_ATS (default true)'),
  ssidBits: int(0, 20).optional().describe('SSIDSIZE (default 20)'),
  asidBits: z.union([z.literal(8), z.literal(16)]).optional().describe('ASID bits (default 16)'),
  vmidBits: z.union([z.literal(8), z.literal(16)]).optional().describe('VMID bits (default 16)'),
  twoLevelCdTable: z.boolean().optional().describe('FEAT_2_LVL_CDTAB: CD tables over 1024 entries are 2-level (default true)'),
  e2h: z.boolean().optional().describe('FEAT_E2H: host S1 STEs use STRW=EL2 and TLBI_EL2_* (default false)'),
}).describe('the arm-smmu-v3 driver\'s knobs (what probe reads from the SMMU)');

export const vtd = strictObject({
  firstLevel: z.boolean().optional()
    .describe('paging domains use first-level tables when the unit supports them (default true); false: second level'),
  maxPasids: int(0, maxPasidCount).optional().describe('iommu_device::max_pasids of every VT-d unit (default 0x100)'),
}).describe('the intel-iommu (VT-d) driver\'s knobs');
