// The Machine: every hardware object of one system, built from its description (topology) and
// living across kernel boots. IOMMU units with their tables and caches, PCI functions and
// platform devices as DMA endpoints (ATS, ATC, reset state), the firmware tables that say which
// unit each endpoint sits behind with which stream IDs, and (a hook for) the physical memory.
// Nothing here points into a kernel object: a kernel reads the machine at boot (kernel/boot.ts),
// and a second kernel may boot over the same machine and find the hardware as the first left it.
import type { HwEndpoint } from '../hw/endpoint.js';
import type { TranslationUnit } from '../hw/unit.js';
import { KObject } from '../sync/index.js';
import type { MachineMemory } from './memory.js';
import type { MachineDesc } from './topology.js';

/** firmware's description of one endpoint's DMA path (IORT/DT iommu-map, DMAR device scope) */
export interface DmaPath {
  /** the unit the endpoint sits behind, or null (no IOMMU in its path) */
  readonly unit: TranslationUnit | null;
  /** its stream (requester) IDs as that unit sees them */
  readonly sids: readonly number[];
}

export class Machine extends KObject {
  /** IOMMU units by instance name, in topology order */
  readonly units = new Map<string, TranslationUnit>();
  /** DMA endpoints (PCI functions, platform devices) by name, in topology order */
  readonly endpoints = new Map<string, HwEndpoint>();
  /** firmware tables: each endpoint's DMA path */
  readonly paths = new Map<HwEndpoint, DmaPath>();
  /** physical memory (pages of IO page tables and buffers): a hook for the memory models */
  memory: MachineMemory | null = null;

  constructor(readonly desc: MachineDesc) {
    super();
  }

  override get label(): string {
    return 'machine';
  }

  /** the DMA path firmware describes for `ep` */
  pathOf(ep: HwEndpoint): DmaPath {
    return this.paths.get(ep) ?? noPath;
  }
}

const noPath: DmaPath = Object.freeze({ unit: null, sids: Object.freeze([]) });
