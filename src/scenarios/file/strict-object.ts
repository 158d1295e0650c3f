// Objects that reject unknown keys, with a hint naming the key that was probably meant. The
// hint needs the allowed keys, which only the object schema knows: its error hook writes one
// message line per unknown key, in the order zod lists them (issues.ts splits them again).
import * as z from 'zod';
import { didYouMean } from '../did-you-mean.js';

export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  return `unknown key "${key}"${didYouMean(key, allowed)}; allowed here: ${allowed.join(', ')}`;
}

export function strictObject<S extends z.ZodRawShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? iss.keys.map((k) => unknownKeyMessage(k, allowed)).join('\n') : undefined),
  });
}
