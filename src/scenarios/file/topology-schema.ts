// The `topology:` of a scenario file, field for field the Topology of scenarios/iommu/spec.ts
// (test/scenario-schema.test.ts checks at compile time that the two types are the same).
import * as z from 'zod';
import { mockCallbacks } from '../../drivers/mock/options.js';
import { pciResetMethodNames } from '../../pci/pci.js';
import { strictObject } from './strict-object.js';
import { address, errno, int, maxPasidCount, name } from './values.js';

const iommu = strictObject({
  name: name().describe('the instance\'s name, which devices and `register`/`unregister` refer to'),
  registered: z.boolean().optional().describe('registered in the prologue (default true); false leaves it to a `register` operation'),
}).describe('an IOMMU instance of the mock driver');

const resv = strictObject({
  start: address().describe('first address'),
  length: address().describe('length in bytes'),
  relaxable: z.boolean().optional().describe('DIRECT_RELAXABLE (true) or DIRECT (the default, which makes the device require_direct)'),
}).describe('a firmware direct-mapped region (RMRR / RMR)');

const deviceCommon = {
  name: name().describe('the device\'s name, which operations refer to'),
  iommu: name().nullable().optional().describe('the IOMMU instance firmware puts it behind (default: the first); null: none'),
  pasids: int(0, maxPasidCount).optional().describe('PASIDs the device supports (its capability); 0 = none'),
  resv: z.array(resv).optional().describe('firmware direct-mapped regions (RMRR / RMR)'),
  present: z.boolean().optional().describe('on its bus at the start (default true); false leaves it to a `hotAdd` operation'),
};

const bridge = strictObject({
  secondary: int(0, 255).describe('the bus number behind the bridge'),
  kind: z.enum(['pcie-port', 'pcie-to-pci']).optional().describe('how it forwards requester IDs (default pcie-port)'),
}).describe('a bridge: the bus behind it and how it forwards requester IDs');

const pciFunction = strictObject({
  ...deviceCommon,
  bus: int(0, 255).describe('bus number'),
  slot: int(0, 31).describe('device (slot) number'),
  fn: int(0, 7).optional().describe('function number (default 0)'),
  bridge: bridge.optional(),
  multifunction: z.boolean().optional().describe('a function of a multifunction device'),
  acs: z.boolean().optional().describe('ACS enabled (default: the PCI core\'s answer for the kind of function)'),
  ats: z.boolean().optional().describe('ATS capable'),
  untrusted: z.boolean().optional().describe('an untrusted (external-facing) device'),
  aliases: z.array(int(0, 255)).optional().describe('quirk DMA aliases: other slot.fn on the same bus, as devfn numbers (slot << 3 | fn)'),
  reset: z.array(z.enum(pciResetMethodNames)).optional()
    .describe('reset capabilities (default: flr); bus and cxl_bus also depend on the topology'),
  quirkResetViaFlr: z.boolean().optional().describe('the device-specific reset quirk resets by calling pcie_flr() (and ignores its result)'),
  resetTimeout: z.boolean().optional().describe('the function is not ready in time after a reset: pci_dev_wait() gives up (-ENOTTY)'),
  acpiResetFails: z.boolean().optional().describe('the firmware\'s _RST method fails (acpi reset: -ENOTTY)'),
  cxl: z.boolean().optional().describe('a CXL device (cxl_bus reset)'),
}).describe('a PCI function');

const platformDevice = strictObject({
  ...deviceCommon,
  sids: z.array(int(0, 0xffffffff)).optional().describe('stream IDs (default: one, assigned in order from 0x1000)'),
}).describe('a platform device');

const mockFault = strictObject({
  callback: z.enum(mockCallbacks).describe('the driver callback to fail'),
  dev: name().optional().describe('only calls for this device'),
  domain: z.enum(['paging', 'blocked', 'identity']).optional().describe('only calls with a domain of this kind'),
  nth: int(0, Number.MAX_SAFE_INTEGER).optional().describe('fail the nth matching call (1-based); 0: every matching call'),
  err: errno.optional().describe('the negative errno it fails with (default -ENOMEM; -ENODEV for probe_device)'),
  returnNull: z.boolean().optional().describe('device_group only: return NULL instead of an error'),
}).describe('a driver callback made to fail');

const mock = strictObject({
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
}).describe('the mock driver\'s knobs');

export const topologySchema = strictObject({
  iommus: z.array(iommu).describe('the IOMMU instances'),
  mock: mock.optional(),
  pci: z.array(pciFunction).optional().describe('PCI functions (and bridges)'),
  platform: z.array(platformDevice).optional().describe('platform devices'),
  defaultDomainType: z.enum(['identity', 'dma', 'dma-fq']).optional()
    .describe('iommu.passthrough / iommu.strict: the default domain type of the kernel command line'),
  pausePoints: z.array(name()).optional()
    .describe('pause points to arm: a thread reaching NAME signals event NAME and waits for event NAME:resume'),
}).describe('the machine: IOMMU instances and their driver, PCI functions and bridges, platform devices');

export const topologyParts = { iommu, resv, bridge, pciFunction, platformDevice, mockFault, mock };
