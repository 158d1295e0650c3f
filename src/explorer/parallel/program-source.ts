// How a worker finds a program: by name, through a module that resolves names (the scenario
// registry, or a test's fixtures). Only this plain reference crosses to the worker.
import type { Program } from '../../rt/execution.js';

export interface ProgramSource {
  /** URL of a module exporting `programNamed(name: string)`: a Program or undefined, or a promise of one */
  readonly module: string;
  readonly name: string;
}

interface Resolver {
  programNamed(name: string): Program<unknown> | undefined | Promise<Program<unknown> | undefined>;
}

/**
 * Programs loaded, most recently used last. Bounded: a process that checks many scenario files
 * one after another (a library user, the in-process tests) does not keep every program, and the
 * world snapshot each one holds (rt/snapshot.ts), for its lifetime.
 */
const loaded = new Map<string, Program<unknown>>();
const maxLoaded = 32;

export async function loadProgram(source: ProgramSource): Promise<Program<unknown>> {
  const id = `${source.module}#${source.name}`;
  const cached = loaded.get(id);
  if (cached !== undefined) {
    loaded.delete(id);
    loaded.set(id, cached);
    return cached;
  }
  const mod = (await import(source.module)) as Partial<Resolver>;
  if (typeof mod.programNamed !== 'function') throw new Error(`${source.module} does not export programNamed()`);
  const program = await mod.programNamed(source.name);
  if (program === undefined) throw new Error(`no program named "${source.name}" in ${source.module}`);
  loaded.set(id, program);
  if (loaded.size > maxLoaded) loaded.delete(loaded.keys().next().value!);
  return program;
}
