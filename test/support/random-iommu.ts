// Small random IOMMU scenarios for cross-checking the explorer (DPOR against DFS): one IOMMU,
// one to three PCI functions in one group or in separate ones, an owner with two domains, and
// two threads of a few operations each (attach, detach, PASID attach, reset, DMA, map), built so
// that they pass the scenario validator. Outcomes of the operations are left open (any return
// code is accepted): what is compared is what the searches find, not what the scenario expects.
import fc from 'fast-check';
import type { IommuScenarioSpec, Op } from '../../src/scenarios/iommu/spec.js';
import { validateSpec } from '../../src/scenarios/iommu/validate.js';

/** every return code the operations below can give: none of them is a scenario failure */
const anyRet: readonly number[] = [0, -1, -2, -5, -12, -14, -16, -19, -22, -95, -517];

interface Shape {
  readonly functions: number;
  readonly sameGroup: boolean;
  readonly ats: readonly boolean[];
  readonly pasids: boolean;
  readonly threads: ReadonlyArray<ReadonlyArray<{ readonly kind: number; readonly dev: number; readonly dom: number }>>;
}

const opArb = fc.record({ kind: fc.integer({ min: 0, max: 6 }), dev: fc.nat(2), dom: fc.nat(1) });

const shapeArb: fc.Arbitrary<Shape> = fc
  .record({
    functions: fc.integer({ min: 1, max: 3 }),
    sameGroup: fc.boolean(),
    ats: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    pasids: fc.boolean(),
    threads: fc.array(fc.array(opArb, { minLength: 1, maxLength: 2 }), { minLength: 2, maxLength: 2 }),
  });

function build(s: Shape): IommuScenarioSpec {
  const devs = Array.from({ length: s.functions }, (_, i) => `ep${i}`);
  const dom = (i: number): string => (i === 0 ? 'D' : 'E');
  const threads = s.threads.map((ops, t) => ({
    name: `t${t}`,
    ops: ops.map(({ kind, dev: d, dom: x }): Op => {
      const dev = devs[d % devs.length]!;
      switch (kind) {
        case 0:
          return { op: 'attach', dev, domain: dom(x), api: 'group', expect: anyRet };
        case 1:
          return { op: 'attach', dev, domain: dom(x), api: 'handle', handle: `h${t}`, expect: anyRet };
        case 2:
          if (!s.pasids) return { op: 'dma', dev, iova: 0x1000, expect: anyRet };
          return { op: 'pasidAttach', dev, domain: dom(x), pasid: 1 + t, expect: anyRet };
        case 3:
          return { op: 'reset', dev, expect: anyRet };
        case 4:
          return { op: 'dma', dev, iova: 0x1000, expect: anyRet };
        case 5:
          return { op: 'map', domain: dom(x), iova: 0x10000 * (t + 1), paddr: 0x200000, size: 0x1000, expect: anyRet };
        default:
          return { op: 'setType', dev, type: 'identity', expect: anyRet };
      }
    }),
  }));
  return {
    name: 'random',
    summary: 'random',
    description: 'random',
    topology: {
      iommus: [{ name: 'iommu0' }],
      pci: devs.map((name, i) => ({
        name,
        bus: 0,
        slot: s.sameGroup ? 3 : 3 + i,
        fn: s.sameGroup ? i : 0,
        ...(s.sameGroup && s.functions > 1 ? { multifunction: true } : {}),
        ats: s.ats[i]!,
        ...(s.pasids ? { pasids: 8 } : {}),
      })),
      defaultDomainType: 'dma',
    },
    prologue: [
      ...devs.map((dev): Op => ({ op: 'bind', dev, driverManagedDma: true })),
      ...devs.map((dev): Op => ({ op: 'claim', dev, owner: 'owner' })),
      { op: 'domainAlloc', dev: 'ep0', domain: 'D', ...(s.pasids ? { pasid: true } : {}) },
      { op: 'domainAlloc', dev: 'ep0', domain: 'E', ...(s.pasids ? { pasid: true } : {}) },
    ],
    threads,
    expect: { pass: true },
  };
}

/** random scenario descriptions that the validator accepts */
export const randomIommuSpec: fc.Arbitrary<IommuScenarioSpec> = shapeArb
  .map(build)
  .filter((spec) => validateSpec(spec).length === 0);
