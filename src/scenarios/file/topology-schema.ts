// The `topology:` of a scenario file, field for field the Topology of scenarios/iommu/spec.ts
// (test/scenario-schema.test.ts checks at compile time that the two types are the same).
import * as z from 'zod';
import { driverNames } from '../../drivers/registry.js';
import { pciResetMethodNames } from '../../machine/topology.js';
import { mock, mockFault, smmuv3, vtd } from './driver-knobs.js';
import { strictObject } from './strict-object.js';
import { address, int, maxPasidCount, name } from './values.js';

const iommu = strictObject({
  name: name().describe('the instance\'s name, which devices and `register`/`unregister` refer to'),
  driver: z.enum(driverNames).optional().describe('the IOMMU driver that drives it (default: mock); its knobs sit under the topology key of its name'),
  registered: z.boolean().optional().describe('registered in the prologue (default true); false leaves it to a `register` operation'),
}).describe('an IOMMU instance and its driver');

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

export const topologySchema = strictObject({
  iommus: z.array(iommu).describe('the IOMMU instances'),
  mock: mock.optional(),
  smmuv3: smmuv3.optional(),
  vtd: vtd.optional(),
  pci: z.array(pciFunction).optional().describe('PCI functions (and bridges)'),
  platform: z.array(platformDevice).optional().describe('platform devices'),
  defaultDomainType: z.enum(['identity', 'dma', 'dma-fq']).optional()
    .describe('iommu.passthrough / iommu.strict: the default domain type of the kernel command line'),
  pausePoints: z.array(name()).optional()
    .describe('pause points to arm: a thread reaching NAME signals event NAME and waits for event NAME:resume'),
}).describe('the machine: IOMMU instances and their driver, PCI functions and bridges, platform devices');

export const topologyParts = { iommu, resv, bridge, pciFunction, platformDevice, mockFault, mock, smmuv3, vtd };
