// Signatures the user already knows: reported as known, not new, and not triaged again. By
// default the built-in findings (docs/FINDINGS.md) as iommulab fuzz names them; a file lists
// one signature per line (`#` starts a comment; blank lines are skipped).
import { readFileSync } from 'node:fs';

export interface KnownSignature {
  readonly signature: string;
  /** what it is (a finding of docs/FINDINGS.md, or a note) */
  readonly note: string;
}

/** The built-in findings, as signatures of the canonical reproducers iommulab fuzz writes. */
export const builtinKnown: readonly KnownSignature[] = [];

export class KnownSet {
  private readonly notes: Map<string, string>;

  constructor(entries: readonly KnownSignature[]) {
    this.notes = new Map(entries.map((e) => [e.signature, e.note]));
  }

  has(signature: string): boolean {
    return this.notes.has(signature);
  }

  note(signature: string): string | undefined {
    return this.notes.get(signature);
  }

  get size(): number {
    return this.notes.size;
  }

  entries(): KnownSignature[] {
    return [...this.notes].map(([signature, note]) => ({ signature, note }));
  }
}

export class KnownFileError extends Error {}

/** `none`, the built-in list (undefined), or a file */
export function loadKnown(arg: string | undefined): KnownSet {
  if (arg === undefined) return new KnownSet(builtinKnown);
  if (arg === 'none') return new KnownSet([]);
  let text: string;
  try {
    text = readFileSync(arg, 'utf8');
  } catch (e) {
    throw new KnownFileError(`${arg}: cannot read the known-signatures file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const entries: KnownSignature[] = [];
  let note = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      note = line.slice(1).trim();
      continue;
    }
    entries.push({ signature: line, note });
  }
  return new KnownSet(entries);
}

export function knownFileText(entries: readonly KnownSignature[]): string {
  return entries.map((e) => `${e.note === '' ? '' : `# ${e.note}\n`}${e.signature}\n`).join('');
}
