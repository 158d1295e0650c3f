// A reproducer as a scenario file: the minimized program with `expect:` of what it finds and
// its replay key (header comment and description). The any-code expectation, one list shared by
// every operation, is written once with an anchor (`&any1`) and referred to (`*any1`) after.
import { Document, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { IommuScenarioSpec } from '../scenarios/iommu/spec.js';

export function reproducerYaml(spec: IommuScenarioSpec, header: readonly string[]): string {
  const doc = new Document(spec, { anchorPrefix: 'any' });
  visit(doc, {
    Seq(_, seq) {
      // return-code lists and short number lists on one line
      if (seq.items.every((i) => isScalar(i) && typeof i.value === 'number')) seq.flow = true;
    },
    Map(_, map) {
      // one operation per line; devices and IOMMU instances too
      if (map.items.some((p) => isPair(p) && isScalar(p.key) && ['op', 'bus', 'sids', 'registered', 'driver', 'start'].includes(String(p.key.value)))) map.flow = true;
    },
  });
  const topo = doc.get('topology', true);
  if (isMap(topo)) {
    const iommus = topo.get('iommus', true);
    if (isSeq(iommus)) for (const i of iommus.items) if (isMap(i)) i.flow = true;
  }
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc.toString({ lineWidth: 0 });
}
