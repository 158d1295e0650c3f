// The end of a kernel (kexec into the next one, or a test ending a boot): kmemleak scans what it
// still has allocated, its objects become unreachable, and no kernel runs until the next boot.
// The Machine stays as this kernel left it.
import { iommuCoreSwitch } from '../core/globals.js';
import { kmemleakEndOfKernel } from '../sync/index.js';
import type { Kernel } from './kernel.js';

export function kernelEnd(k: Kernel): void {
  if (k.ended) throw new Error(`${k.label} has already ended`);
  k.ended = true;
  kmemleakEndOfKernel();
  iommuCoreSwitch(null);
}
