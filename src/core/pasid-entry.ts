// pasid_array entries (spec core.md §2.7): a tagged pointer to a domain or to an attach handle.
import type { IommuDomain } from './domain.js';
import { KObject } from '../sync/index.js';

/** struct iommu_attach_handle */
export class IommuAttachHandle extends KObject {
  domain: IommuDomain | null = null;
  constructor(readonly tag: string) {
    super();
  }

  override get label(): string {
    return `handle:${this.tag}`;
  }
}

export type PasidEntry =
  | { readonly kind: 'domain'; readonly domain: IommuDomain }
  | { readonly kind: 'handle'; readonly handle: IommuAttachHandle };

/** the entry for (domain, handle): the handle if there is one, else the bare domain */
export function pasidEntryFor(domain: IommuDomain, handle: IommuAttachHandle | null): PasidEntry {
  if (handle !== null) {
    handle.domain = domain;
    return { kind: 'handle', handle };
  }
  return { kind: 'domain', domain };
}

/** pasid_array_entry_to_domain() */
export function pasidArrayEntryToDomain(entry: PasidEntry): IommuDomain {
  return entry.kind === 'domain' ? entry.domain : entry.handle.domain!;
}

/** the two tagged pointers are identical */
export function samePasidEntry(a: PasidEntry, b: PasidEntry): boolean {
  if (a.kind === 'domain') return b.kind === 'domain' && a.domain === b.domain;
  return b.kind === 'handle' && a.handle === b.handle;
}
