// Value schemas shared by the scenario file format: bounded integers (YAML lets you write them
// in hex, 0x1000), names, and return codes written as numbers or errno names (-EBUSY).
import * as z from 'zod';
import { didYouMean } from '../did-you-mean.js';
import { errnoNamed, errnoNames } from './errno-names.js';

/** an integer in [min, max] */
export function int(min: number, max: number): z.ZodNumber {
  return z.number().int().min(min).max(max);
}

/** model addresses and sizes stay below 2^31, so page-size arithmetic is exact in 32-bit JS */
export const maxAddress = 0x7fffffff;
export const address = (): z.ZodNumber => int(0, maxAddress);

/** PASIDs are 20 bits wide (PCIe) */
export const maxPasidCount = 1 << 20;

/** a non-empty name (of a device, IOMMU, domain, handle, owner, event) */
export const name = (): z.ZodString => z.string().min(1);

/** a return code: 0, a negative errno number, or its name (-EBUSY); DMA_MAPPING_ERROR for `dmaMap` */
export const errno = z
  .union([z.number(), z.string()], { error: 'expected a return code: 0, a negative errno (-16) or its name (-EBUSY), or DMA_MAPPING_ERROR' })
  .transform((v, ctx): number => {
    if (typeof v === 'number') {
      if (Number.isInteger(v) && v <= 0) return v;
      ctx.issues.push({ code: 'custom', message: `${v} is not a return code: write 0 or a negative errno (-16 or -EBUSY)`, input: v });
      return z.NEVER;
    }
    const n = errnoNamed(v);
    if (n !== undefined) return n;
    const negated = errnoNamed(`-${v}`);
    const hint = negated !== undefined ? ` (kernel functions return negative errnos: write "-${v}")` : didYouMean(v, errnoNames);
    ctx.issues.push({ code: 'custom', message: `unknown errno "${v}"${hint}`, input: v });
    return z.NEVER;
  })
  .meta({ title: 'errno', description: 'a return code: `0`, a negative errno number (`-16`) or its name (`-EBUSY`); `DMA_MAPPING_ERROR` for a failed `dmaMap`' });

/** one acceptable return code or a list of them */
export const expectCodes = z
  .union([errno, z.array(errno).min(1)], { error: 'expected a return code (0, -16, -EBUSY) or a list of them' })
  .describe('the return code this operation must give, or a list of acceptable ones');
