// Reading plain data back from files (checkpoints, shard results): every check names the field
// that is wrong, e.g. "scenarios[2].ranges[0].result.executions: expected an integer >= 0".
export class DataError extends Error {}

export function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DataError(`${path}: expected an object`);
  return v as Record<string, unknown>;
}

export function list(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new DataError(`${path}: expected an array`);
  return v;
}

export function int(v: unknown, path: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new DataError(`${path}: expected an integer >= ${min}`);
  return v;
}

export function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new DataError(`${path}: expected a number`);
  return v;
}

export function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new DataError(`${path}: expected true or false`);
  return v;
}

export function str(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new DataError(`${path}: expected a string`);
  return v;
}

export function intList(v: unknown, path: string, min = 0): number[] {
  return list(v, path).map((x, i) => int(x, `${path}[${i}]`, min));
}
