// The import rule of docs/ARCHITECTURE.md is mechanical: `npm run lint` (eslint/layers.js) fails
// on an import that goes up the layers or into a package the folder may not use, and passes the
// imports the layers allow.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../', import.meta.url));

let eslint: ESLint | null = null;

async function problems(file: string, code: string): Promise<string[]> {
  eslint ??= new ESLint({ cwd: root });
  const [r] = await eslint.lintText(code, { filePath: `${root}${file}` });
  return r!.messages.filter((m) => m.ruleId === 'layers/imports').map((m) => m.message);
}

describe('the import rule per folder', () => {
  it('fails on imports up the layers, and on packages a folder may not use', async () => {
    const cases: Array<[string, string, RegExp]> = [
      // hardware knows nothing of the kernel
      ['src/hw/bad.ts', 'import { iommuCore } from \'../core/globals.js\';\nexport const x = iommuCore;\n', /hw may not import core/],
      // the machine holds hardware only
      ['src/machine/bad.ts', 'import type { Kernel } from \'../kernel/kernel.js\';\nexport type X = Kernel;\n', /machine may not import kernel/],
      // the core reaches drivers through iommu_ops only
      ['src/core/bad.ts', 'export { mockIommuDriver } from \'../drivers/mock/entry.js\';\n', /core may not import drivers/],
      // the explorer knows nothing about IOMMUs
      ['src/explorer/bad.ts', 'import { builtinScenarios } from \'../scenarios/registry.js\';\nexport const n = builtinScenarios.length;\n', /explorer may not import scenarios/],
      // zod stays in scenarios/file
      ['src/scenarios/iommu/bad.ts', 'import * as z from \'zod\';\nexport const s = z.string();\n', /scenarios\/iommu may not import the package zod/],
      // the runtime core is dependency-free
      ['src/rt/bad.ts', 'import { readFileSync } from \'node:fs\';\nexport const f = readFileSync;\n', /rt may not import the package node:fs/],
    ];
    for (const [file, code, want] of cases) {
      const got = await problems(file, code);
      assert.equal(got.length, 1, `${file}: ${got.join('; ')}`);
      assert.match(got[0]!, want);
    }
  });

  it('passes what the layers allow', async () => {
    const ok: Array<[string, string]> = [
      ['src/kernel/ok.ts', 'import { iommuDriverNamed } from \'../drivers/registry.js\';\nexport const d = iommuDriverNamed;\n'],
      ['src/drivers/ok.ts', 'import type { TranslationUnit } from \'../hw/unit.js\';\nexport type U = TranslationUnit;\n'],
      ['src/core/ok.ts', 'import { pciDeviceGroup } from \'./device-group.js\';\nexport const g = pciDeviceGroup;\n'],
      ['src/scenarios/file/ok.ts', 'import * as z from \'zod\';\nexport const s = z.string();\n'],
    ];
    for (const [file, code] of ok) assert.deepEqual(await problems(file, code), [], file);
  });
});
