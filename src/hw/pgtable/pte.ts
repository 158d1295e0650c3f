// The entry format of every IO page table in the model (hardware.md §3.1): one number per 8-byte
// slot, frame number times 256 plus flag bits. ARM LPAE and x86/VT-d encode permissions
// differently (AP bits, R/W bits, NX); the model keeps the meaning (valid, table or leaf, read,
// write, no-exec, device memory, snoop, dirty), which is all the checker and the walks need.
// Exact for frames below 2^44; `e & 255` reads the flags of any such entry.
import { IOMMU_CACHE, IOMMU_MMIO, IOMMU_NOEXEC, IOMMU_READ, IOMMU_WRITE } from '../io-pgtable.js';

export const PTE_VALID = 1;
/** a pointer to a next-level table (else a leaf: a page or a block) */
export const PTE_TABLE = 2;
export const PTE_READ = 4;
export const PTE_WRITE = 8;
export const PTE_NOEXEC = 16;
export const PTE_MMIO = 32;
/** snoop / coherent attribute (VT-d SNP, ARM cacheable) */
export const PTE_SNOOP = 64;
/** hardware dirty flag (dirty tracking) */
export const PTE_DIRTY = 128;

export const PTE_EMPTY = 0;

export function pteTable(pfn: number): number {
  return pfn * 256 + PTE_VALID + PTE_TABLE;
}

/** a leaf at physical (or intermediate physical) address `pa`, 4K aligned */
export function pteLeaf(pa: number, flags: number): number {
  return (pa / 4096) * 256 + PTE_VALID + (flags & ~(PTE_VALID | PTE_TABLE));
}

export function pteFlags(e: number): number {
  return e & 255;
}

export function ptePfn(e: number): number {
  return (e - (e & 255)) / 256;
}

export function pteAddr(e: number): number {
  return ptePfn(e) * 4096;
}

export function pteIsTable(e: number): boolean {
  return (e & 3) === 3;
}

export function pteIsLeaf(e: number): boolean {
  return (e & 3) === 1;
}

/** IOMMU_READ | IOMMU_WRITE | ... (the core's prot) as leaf flags */
export function protToPte(prot: number): number {
  let f = 0;
  if ((prot & IOMMU_READ) !== 0) f |= PTE_READ;
  if ((prot & IOMMU_WRITE) !== 0) f |= PTE_WRITE;
  if ((prot & IOMMU_NOEXEC) !== 0) f |= PTE_NOEXEC;
  if ((prot & IOMMU_MMIO) !== 0) f |= PTE_MMIO;
  if ((prot & IOMMU_CACHE) !== 0) f |= PTE_SNOOP;
  return f;
}

/** leaf flags back to IOMMU_READ | IOMMU_WRITE (what a translation grants) */
export function pteToProt(flags: number): number {
  return ((flags & PTE_READ) !== 0 ? IOMMU_READ : 0) | ((flags & PTE_WRITE) !== 0 ? IOMMU_WRITE : 0);
}
