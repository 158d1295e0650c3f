// The import rule of docs/ARCHITECTURE.md, made mechanical: a file under src/ may import only
// from its own layer and the layers listed for it below (a lower layer never imports a higher
// one), and npm packages and node: built-ins only where listed. `npm run lint` fails otherwise.
import path from 'node:path';

/** the kernel's own files call each other as the kernel's files do */
const kernelFiles = ['base', 'pci', 'dma', 'iommufd', 'core'];
/** the model: hardware, the kernel and its drivers */
const model = ['sync', 'hw', 'machine', ...kernelFiles, 'drivers', 'kernel'];

/** layer -> the other layers it may import */
export const layerImports = {
  'rt': [],
  'explorer': ['rt'],
  'sync': ['rt'],
  'hw': ['sync'],
  'machine': ['hw', 'sync'],
  ...Object.fromEntries(kernelFiles.map((k) => [k, ['sync', 'hw', 'machine', ...kernelFiles.filter((x) => x !== k)]])),
  'drivers': ['sync', 'hw', 'machine', ...kernelFiles],
  'kernel': ['sync', 'hw', 'machine', ...kernelFiles, 'drivers'],
  // scenarios/resolve.ts finds a worker's program among the built-ins and the scenario files
  'scenarios': ['rt', ...model, 'scenarios/examples', 'scenarios/iommu', 'scenarios/file'],
  'scenarios/examples': ['rt', 'sync', 'scenarios'],
  'scenarios/iommu': ['rt', ...model, 'scenarios'],
  'scenarios/file': ['rt', ...model, 'scenarios', 'scenarios/iommu'],
  'check': ['rt', 'explorer', 'scenarios', 'scenarios/file'],
  'report': ['rt', 'check', 'scenarios', 'scenarios/file'],
  // the fuzzer generates scenario descriptions, searches them, and writes reproducers
  'fuzz': ['rt', 'explorer', 'sync', 'machine', 'core', 'drivers', 'scenarios', 'scenarios/iommu', 'scenarios/file', 'check', 'report'],
  'cli': ['rt', 'explorer', 'core', 'drivers', 'scenarios', 'scenarios/file', 'check', 'report', 'fuzz'],
};

/** layer -> the packages it may import ('node:' for the built-ins) */
export const layerPackages = {
  'explorer': ['node:'],
  'scenarios/file': ['node:', 'yaml', 'zod'],
  'check': ['node:'],
  // the JSON report's schema (report/json.ts), exported as JSON Schema
  'report': ['node:', 'zod'],
  'cli': ['node:', 'commander'],
  'fuzz': ['node:', 'yaml', 'zod'],
};

/** the layer of a path under src/, or null outside it */
export function layerOf(file, srcDir) {
  const rel = path.relative(srcDir, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const parts = rel.split(path.sep);
  if (parts.length < 2) return null;
  if (parts[0] === 'scenarios' && parts.length > 2) return `scenarios/${parts[1]}`;
  return parts[0];
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the layers of docs/ARCHITECTURE.md' },
    schema: [],
    messages: {
      layer: '{{from}} may not import {{to}} ({{spec}}): see the import rule in docs/ARCHITECTURE.md',
      unknown: '{{from}} is not a layer of docs/ARCHITECTURE.md: add it to eslint/layers.js',
      pkg: '{{from}} may not import the package {{spec}}: see the import rule in docs/ARCHITECTURE.md',
    },
  },
  create(context) {
    const file = context.physicalFilename ?? context.filename;
    const srcDir = path.join(context.cwd, 'src');
    const from = layerOf(file, srcDir);
    if (from === null) return {};
    const check = (node) => {
      if (node.source === null || node.source === undefined) return;
      const spec = node.source.value;
      if (typeof spec !== 'string') return;
      const allowed = layerImports[from];
      if (allowed === undefined) {
        context.report({ node: node.source, messageId: 'unknown', data: { from } });
        return;
      }
      if (!spec.startsWith('.')) {
        const pkg = spec.startsWith('node:') ? 'node:' : spec.split('/')[0];
        if (!(layerPackages[from] ?? []).includes(pkg)) context.report({ node: node.source, messageId: 'pkg', data: { from, spec } });
        return;
      }
      const to = layerOf(path.resolve(path.dirname(file), spec), srcDir);
      if (to === null || to === from || allowed.includes(to)) return;
      context.report({ node: node.source, messageId: 'layer', data: { from, to, spec } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default { rules: { imports: rule } };
