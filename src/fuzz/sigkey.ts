// A signature's key: what the fuzzer decides "new, already triaged, known" by. A signature keeps
// the instance names of the program it came from (`dev:ep1`, `domain:D2#N`, `iommu1`,
// `cache_tag:iotlb/did4/pasid2#N`), so one report reached in programs that name things
// differently was as many signatures, each triaged (minimized) again: 275 signatures of a
// 10-minute run came down to about 64 after minimization renamed them (docs/FUZZING.md, branch
// `sigkey`). The key replaces those instance names with placeholders and keeps everything that
// tells two bugs apart: the kind, the reporting function, the entry point (`via ...`: F2/F8,
// F4/F13), the message's shape and its words, and a domain's kind (`default`, `identity`,
// `blocked`, `paging`: only a scenario domain's index goes, `D0` -> `D*`). The full signature
// stays what a report, a crash folder and the summary show.
//
// Placeholders: a device, a bridge or a platform device (`ep0`, `br1`, `plat0`, any `dev:NAME`)
// -> `*`; an IOMMU instance `iommu1` -> `iommu*`; a domain id `did4` -> `did*`; a PASID glued to
// its word `pasid2` -> `pasid*` (`pasid0`, the RID's tag, stays). Stream ids, object ids and other numbers are normalized by the
// explorer already (`sid N`, `#N`, `0xN`). A list of one item repeated (`iommu1: sid N ssid N
// TTB0; iommu1: sid N ssid N TTB0`) counts once: how many entries point at a freed page is the
// program's, not the bug's.

const rules: ReadonlyArray<readonly [RegExp, string]> = [
  // a scenario domain's name, its kind kept: domain:D0#N -> domain:D*#N (default, identity, ... have no index)
  [/\bdomain:([A-Za-z_]+)\d+(?=#)/g, 'domain:$1*'],
  // devices the fuzzer names (topology-gen.ts, canonical.ts), wherever they appear
  [/\b(?:ep|br|plat)\d+\b/g, '*'],
  // any other device name after `dev:` (a user's scenario)
  [/\bdev:(?!\*)[A-Za-z_][\w.-]*/g, 'dev:*'],
  [/\biommu\d+\b/g, 'iommu*'],
  [/\bdid\d+\b/g, 'did*'],
  // (not PASID 0: VT-d's cache tag of the RID, IOMMU_NO_PASID)
  [/\bpasid[1-9]\d*\b/g, 'pasid*'],
  // `X; X; X` -> `X` (X a run of words)
  [/([\w*:]+(?: [\w*:]+)*)(?:; \1)+(?![\w*])/g, '$1'],
];

const keys = new Map<string, string>();

/** the name-insensitive key of a signature (signature.ts) */
export function signatureKey(signature: string): string {
  let k = keys.get(signature);
  if (k === undefined) {
    k = signature;
    for (const [re, to] of rules) k = k.replace(re, to);
    if (keys.size >= 20_000) keys.clear();
    keys.set(signature, k);
  }
  return k;
}
