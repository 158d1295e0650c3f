// The reference of the scenario file format (docs/SCENARIOS.md), written from the schema itself:
// every key, its type, whether it is required and what it means, every operation with its
// arguments, and the names values may take. test/scenario-docs.test.ts checks the document
// against this, so the two cannot drift.
import type * as z from 'zod';
import { patchRegistry } from '../../core/patches.js';
import { violationKinds } from '../../rt/violation.js';
import { pausePointNames } from '../iommu/pause-points.js';
import { errnoNamed, errnoNames } from './errno-names.js';
import { opSchemas } from './op-schema.js';
import { scenarioListSchema, scenarioSchema, schemaParts } from './scenario-schema.js';
import { topologyParts, topologySchema } from './topology-schema.js';

// zod's introspection surface, as far as the format uses it (zod 4: `.def`, `.description`, `.meta()`)
interface Def {
  readonly type: string;
  readonly shape?: Record<string, Schema>;
  readonly element?: Schema;
  readonly innerType?: Schema;
  readonly options?: readonly Schema[];
  readonly in?: Schema;
  readonly valueType?: Schema;
  readonly values?: readonly unknown[];
  readonly entries?: Record<string, string>;
  readonly checks?: ReadonlyArray<{ _zod: { def: { check: string; minimum?: number } } }>;
}
interface Schema {
  readonly def: Def;
  readonly description?: string;
  meta(): { title?: string } | undefined;
  readonly minValue?: number | null;
  readonly maxValue?: number | null;
  readonly minLength?: number | null;
}

const asSchema = (s: z.ZodType): Schema => s as unknown as Schema;

function hex(n: number): string {
  return n >= 256 ? `0x${n.toString(16)}` : String(n);
}

/** the type of a value, in a few words */
function typeText(s: Schema, sections: ReadonlyMap<Schema, string>): string {
  const section = sections.get(s);
  if (section !== undefined) return `mapping (see \`${section}\`)`;
  const title = s.meta()?.title;
  if (title !== undefined) return title;
  const d = s.def;
  switch (d.type) {
    case 'optional':
      return typeText(d.innerType!, sections);
    case 'nullable':
      return `${typeText(d.innerType!, sections)} or \`null\``;
    case 'string':
      return (s.minLength ?? 0) > 0 ? 'string (not empty)' : 'string';
    case 'number': {
      const min = s.minValue ?? null;
      const max = s.maxValue ?? null;
      if (min !== null && max !== null && max < Number.MAX_SAFE_INTEGER) return `integer ${hex(min)}..${hex(max)}`;
      return min !== null ? `integer >= ${min}` : 'integer';
    }
    case 'boolean':
      return '`true` or `false`';
    case 'literal':
      return d.values!.map((v) => `\`${String(v)}\``).join(' or ');
    case 'enum':
      return `one of ${Object.values(d.entries!).map((v) => `\`${v}\``).join(', ')}`;
    case 'array': {
      const min = d.checks?.find((c) => c._zod.def.check === 'min_length')?._zod.def.minimum ?? 0;
      return `${min > 0 ? 'non-empty ' : ''}list of ${typeText(d.element!, sections)}`;
    }
    case 'record':
      return `mapping of device name to ${typeText(d.valueType!, sections)}`;
    case 'union':
      return d.options!.map((o) => typeText(o, sections)).join(', or ');
    case 'pipe':
      return typeText(d.in!, sections);
    default:
      return d.type;
  }
}

function descriptionOf(s: Schema): string {
  return s.description ?? (s.def.innerType === undefined ? '' : descriptionOf(s.def.innerType));
}

function objectOf(s: Schema): Schema {
  const d = s.def;
  if (d.type === 'object') return s;
  if (d.innerType !== undefined) return objectOf(d.innerType);
  if (d.element !== undefined) return objectOf(d.element);
  if (d.in !== undefined) return objectOf(d.in);
  throw new Error(`not an object schema: ${d.type}`);
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** a description as a sentence: capital first letter, full stop */
const sentence = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

function fieldTable(obj: Schema, sections: ReadonlyMap<Schema, string>, skip: readonly string[] = []): string[] {
  const rows = ['| key | type | required | meaning |', '|---|---|---|---|'];
  for (const [key, field] of Object.entries(objectOf(obj).def.shape!)) {
    if (skip.includes(key)) continue;
    const required = field.def.type === 'optional' ? 'no' : 'yes';
    rows.push(`| \`${key}\` | ${cell(typeText(field, sections))} | ${required} | ${cell(descriptionOf(field))} |`);
  }
  return rows;
}

export function scenarioReference(): string {
  // the mappings that get a section of their own, by the path a user writes them at
  const objects: Array<[string, z.ZodType]> = [
    ['scenario', scenarioSchema],
    ['topology', topologySchema],
    ['topology.iommus[]', topologyParts.iommu],
    ['topology.pci[]', topologyParts.pciFunction],
    ['topology.pci[].bridge', topologyParts.bridge],
    ['topology.platform[]', topologyParts.platformDevice],
    ['topology.pci[].resv[], topology.platform[].resv[]', topologyParts.resv],
    ['topology.mock', topologyParts.mock],
    ['topology.mock.faults[]', topologyParts.mockFault],
    ['topology.smmuv3', topologyParts.smmuv3],
    ['topology.vtd', topologyParts.vtd],
    ['threads[]', schemaParts.thread],
    ['variants[]', schemaParts.variant],
  ];
  const sections = new Map<Schema, string>(objects.map(([name, s]) => [asSchema(s), name]));
  const out: string[] = [];
  out.push('### A file', '', 'One scenario (the keys of `scenario` at the top level), or several:', '');
  out.push(...fieldTable(asSchema(scenarioListSchema), sections), '');
  for (const [name, s] of objects) {
    out.push(`### \`${name}\``, '', `${sentence(descriptionOf(asSchema(s)))}`, '', ...fieldTable(asSchema(s), sections), '');
  }

  out.push('### Operations', '');
  out.push(
    'An **operation** is a mapping with `op:` naming it, its arguments, and an optional `expect:` (an errno, or a',
    'non-empty list of them): the return code(s) it may give. Without `expect` it must succeed: the default is `expect: 0`.',
    'A code the expectation does not list is an `assertion` violation (unless an allocation fault was injected in that',
    'execution) and ends the operation\'s thread, like a test body returning at its first error. An operation that may',
    'legitimately fail in some interleavings lists those codes: `expect: [0, -EBUSY]`.',
    '',
  );
  for (const op of opSchemas) {
    const s = asSchema(op);
    // descriptions of operations start with the C function they call: kept as written
    out.push(`#### \`${op.shape.op.value}\``, '', `${descriptionOf(s)}.`, '');
    const args = Object.keys(op.shape).filter((k) => k !== 'op' && k !== 'expect');
    if (args.length === 0) out.push('No arguments.', '');
    else out.push(...fieldTable(s, sections, ['op', 'expect']), '');
  }

  out.push('### Expectation (`expect` of a scenario)', '', sentence(descriptionOf(asSchema(schemaParts.expectation))), '');
  const expectObject = asSchema(schemaParts.expectation).def.options![1]!;
  out.push(...fieldTable(expectObject, sections), '', 'Give exactly one of `pass` and `violations`.', '');

  out.push('### Fault plan (`faults`)', '', `${sentence(descriptionOf(asSchema(schemaParts.faultPlan)))} One of:`, '');
  for (const mode of asSchema(schemaParts.faultPlan).def.in!.def.options!) {
    out.push(`\`mode: ${String(mode.def.shape!.mode!.def.values![0])}\`:`, '', ...fieldTable(mode, sections), '');
  }

  out.push('### Names values take', '');
  out.push(`- **errno**: \`0\`, a negative number, or one of ${errnoNames.map((n) => `\`${n}\` (${errnoNamed(n)})`).join(', ')}.`);
  out.push(
    '- **patch setting**: `NAME` (an off/on toggle, turned on) or `NAME: VALUE`, one toggle per entry; ' +
    `${patchRegistry.map((p) => `\`${p.name}\` (${Object.keys(p.values).map((v) => `\`${v}\``).join(', ')}; default \`${p.default}\`)`).join(', ')} ` +
    '(`iommulab patches` says what each does).',
  );
  out.push(`- **violation kind**: ${violationKinds.map((k) => `\`${k}\``).join(', ')}.`);
  out.push(`- **pause point** (\`topology.pausePoints\`): ${pausePointNames.map((p) => `\`${p}\``).join(', ')}.`);
  return `${out.join('\n')}\n`;
}
