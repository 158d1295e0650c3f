// The operations a thread is made of, one schema per `op:` of scenarios/iommu/spec.ts, with the
// same fields (test/scenario-schema.test.ts checks at compile time that the types are the same).
// Each description names the kernel entry point the operation calls (scenarios/iommu/ops.ts).
import * as z from 'zod';
import { pciResetMethodNames } from '../../pci/pci.js';
import { didYouMean } from '../did-you-mean.js';
import { strictObject } from './strict-object.js';
import { address, expectCodes, int, maxPasidCount, name } from './values.js';

const dev = name().describe('the device');
const domain = name().describe('a domain named by a `domainAlloc`');
const pasid = int(0, maxPasidCount - 1).describe('the PASID');
const attachApi = z.enum(['device', 'group', 'handle']);

/** one operation: its `op:` literal, its arguments, and the optional `expect` every operation has */
function op<N extends string, S extends z.ZodRawShape>(opName: N, description: string, args: S) {
  return strictObject({ op: z.literal(opName), ...args, expect: expectCodes.optional() }).describe(description);
}

export const opSchemas = [
  op('register', 'iommu_device_register() of an instance (probes the devices behind it)', {
    iommu: name().describe('the IOMMU instance'),
  }),
  op('unregister', 'iommu_device_unregister() of a registered instance', {
    iommu: name().describe('the IOMMU instance'),
  }),
  op('hotAdd', 'device_add(): the device appears on its bus (bus notifier, IOMMU probe)', { dev }),
  op('remove', 'device_del(): hot-unplug (unbinds the driver; the device\'s attachments and claims go with it)', { dev }),
  op('bind', 'really_probe() of a driver: a DMA-API client, or vfio-pci with driverManagedDma', {
    dev,
    driverManagedDma: z.boolean().optional().describe('bind a driver_managed_dma driver (vfio-pci) instead of a DMA-API client'),
  }),
  op('unbind', 'device_release_driver() of the driver a `bind` bound (needs that `bind` before it)', { dev }),
  op('claim', 'iommu_device_claim_dma_owner() (needs a `bind` with driverManagedDma before it: VFIO/iommufd claim a device bound to vfio-pci), or iommu_group_claim_dma_owner() with group', {
    dev,
    owner: name().describe('the owner token (a VFIO/iommufd context)'),
    group: z.boolean().optional().describe('claim the device\'s group (the group API) rather than the device'),
  }),
  op('releaseOwner', 'iommu_device_release_dma_owner(), or iommu_group_release_dma_owner() with group, of an earlier claim (needs that `claim` before it)', {
    dev,
    group: z.boolean().optional().describe('release a group claim rather than a device claim'),
  }),
  op('domainAlloc', 'iommu_paging_domain_alloc_flags() for the device; the domain gets the name `domain`', {
    dev,
    domain: name().describe('the name the new domain gets'),
    pasid: z.boolean().optional().describe('allocate with IOMMU_HWPT_ALLOC_PASID'),
    iommufd: z.boolean().optional().describe('an iommufd hwpt: the domain gets the IOMMUFD cookie (MSI doorbells go through iommufd_sw_msi())'),
    nestParent: z.boolean().optional().describe('allocate with IOMMU_HWPT_ALLOC_NEST_PARENT (SMMUv3: a stage-2 domain)'),
  }),
  op('domainFree', 'iommu_domain_free() of a named domain', { domain }),
  op('attach', 'iommu_attach_device() (needs a `bind` of the device before it: its caller is the bound driver; with no driver bound at that moment it is not issued: -ENODEV), iommu_attach_group() or iommu_attach_group_handle(), by api (the owner\'s: in a scenario that claims through the device, issued only while a `claim` of it holds, else -ENODEV)', {
    dev,
    domain,
    api: attachApi.optional().describe('device (default), group, or handle'),
    handle: name().optional().describe('api handle: the attach handle\'s name (default: the device\'s name)'),
  }),
  op('detach', 'undo the device\'s attach with the API that made it (iommu_detach_device/group, iommu_detach_group_handle; needs an `attach` or `replace` before it)', {
    dev,
    domain: name().optional().describe('the attached domain (documentation: the ledger knows it)'),
    api: attachApi.optional().describe('the API of the attach (documentation: the ledger knows it)'),
  }),
  op('replace', 'iommu_replace_group_handle() of the device\'s group (in a scenario that claims through the device, issued only while a `claim` of it holds, else -ENODEV, as `attach`)', {
    dev,
    domain,
    handle: name().describe('the attach handle'),
  }),
  op('pasidAttach', 'iommu_attach_device_pasid() (in a scenario that claims through the device, and no DMA-API driver binds to it, issued only while a `claim` of it holds, else -ENODEV, as `attach`)', {
    dev,
    domain,
    pasid,
    handle: name().optional().describe('an attach handle (default: none)'),
  }),
  op('pasidReplace', 'iommu_replace_device_pasid() (in a scenario that claims through the device, issued only while a `claim` of it holds, else -ENODEV, as `attach`)', {
    dev,
    domain,
    pasid,
    handle: name().describe('the attach handle'),
  }),
  op('pasidDetach', 'iommu_detach_device_pasid() of an earlier `pasidAttach` (needs it before, same PASID)', { dev, domain, pasid }),
  op('map', 'iommu_map() of a named domain, read/write', {
    domain,
    iova: address().describe('IO virtual address'),
    paddr: address().describe('physical address'),
    size: address().describe('size in bytes'),
  }),
  op('unmap', 'iommu_unmap() of an earlier `map` (same iova and size)', {
    domain,
    iova: address().describe('IO virtual address'),
    size: address().describe('size in bytes'),
  }),
  op('dmaMap', 'dma_map_page() by the bound driver (needs a `bind` before it; with no driver bound at that moment it is not issued: -ENODEV); the mapping gets the name `as`. When dma_map_page() fails it gives DMA_MAPPING_ERROR: the kernel hands the driver no errno (a deferred attach refused with -EBUSY during a reset and a failed IOVA or page-table allocation look the same; the replay trace shows which)', {
    dev,
    paddr: address().describe('physical address of the buffer'),
    size: address().optional().describe('size in bytes (default 4096)'),
    as: name().describe('the name of the mapping, for `dmaUnmap` and `dma`'),
  }),
  op('dmaUnmap', 'dma_unmap_page() of a `dmaMap` mapping', {
    dev,
    handle: name().describe('the mapping (its `as` name)'),
  }),
  op('dma', 'the device issues one DMA: to a `dmaMap` mapping (it must reach the mapped buffer) or to a raw iova', {
    dev,
    handle: name().optional().describe('a `dmaMap` mapping (its `as` name)'),
    iova: address().optional().describe('a raw IO virtual address (default 0)'),
    pasid: pasid.optional().describe('issue it with this PASID'),
  }),
  op('reset', 'pci_reset_function() (sysfs `reset`, VFIO_DEVICE_RESET), with every method the function has (default) or with only `method` (as after a `reset_method` write; the write\'s own probing is the `resetMethod` operation)', {
    dev,
    method: z.enum([...pciResetMethodNames, 'default']).optional().describe('the reset method (default: pci_reset_function())'),
  }),
  op('resetMethod', 'write sysfs `reset_method` (reset_method_store()): probe each listed method with PCI_RESET_PROBE, then device_specific once more, and keep the list; `default` probes every method again; `[]` disables resets. No device lock: it runs beside a bound driver and a reset. -EINVAL when a method is not supported', {
    dev,
    methods: z.union([z.array(z.enum(pciResetMethodNames)), z.literal('default')]).describe('the methods written, in order, or `default`'),
  }),
  op('setType', 'iommu_group_store_type(): write the group\'s sysfs type', {
    dev,
    type: z.enum(['identity', 'DMA', 'DMA-FQ', 'auto']).describe('the type written'),
  }),
  op('prepareMsi', 'iommu_dma_prepare_msi() as the bound driver\'s MSI allocation calls it: map the doorbell into the group\'s domain (needs a `bind` before it; with no driver bound at that moment it is not issued: -ENODEV)', {
    dev,
    doorbell: address().describe('physical address of the MSI doorbell'),
  }),
  op('resvRegions', 'read the group\'s sysfs reserved_regions (iommu_get_group_resv_regions()); returns 0, as the read does', { dev }),
  op('signal', 'complete() an event (a named completion)', { event: name().describe('the event') }),
  op('wait', 'wait_for_completion() of an event (one another thread signals, or a pause point)', {
    event: name().describe('the event'),
  }),
] as const;

export const opNames: readonly string[] = opSchemas.map((s) => s.shape.op.value);

export const opSchema = z.discriminatedUnion('op', opSchemas, {
  error: (iss) => {
    if (iss.code !== 'invalid_union') return undefined;
    const given = (iss.input as { op?: unknown } | undefined)?.op;
    if (given === undefined) return `missing required field "op" (one of ${opNames.join(', ')})`;
    if (typeof given !== 'string') return `expected an operation name, got ${JSON.stringify(given)}`;
    return `unknown operation "${given}"${didYouMean(given, opNames)}`;
  },
}).meta({ title: 'operation', description: 'one operation of a thread' });
