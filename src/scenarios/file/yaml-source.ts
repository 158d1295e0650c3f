// A YAML file read for its data and for where each field is: syntax errors with their line, and
// the line of any path into the data (an unknown key, a wrong value, a missing field: the
// line of the key, else of the item, else of the nearest enclosing collection).
import { type CST, Composer, type Document, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, type Node, Parser, visit, YAMLParseError } from 'yaml';
import type { SpecPath } from '../iommu/validate.js';
import type { FileProblem } from './file-error.js';

export interface YamlSource {
  readonly data: unknown;
  /** the line of the field at `path` (or of the nearest thing that exists on the way) */
  lineOf(path: SpecPath): number;
}

export type Parsed =
  | { readonly ok: true; readonly source: YamlSource }
  | { readonly ok: false; readonly problems: FileProblem[] };

/**
 * Collections nested deeper than this are refused before the YAML is composed (composing,
 * validating and locating fields recurse: a file nested thousands deep would overflow the
 * stack). A scenario nests about 8 deep.
 */
export const maxNesting = 64;

export function parseYaml(text: string, file: string): Parsed {
  const lines = new LineCounter();
  // the concrete syntax tree once: checked for depth, then composed (yaml's parseDocument would
  // lex and parse the text again)
  const flowDeep = tooDeepFlow(text);
  const cst = flowDeep === null ? [...new Parser(lines.addNewLine).parse(text)] : [];
  const deep = flowDeep ?? tooDeepBlock(cst);
  if (deep !== null) {
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < deep; i = text.indexOf('\n', i + 1)) line++;
    const message = `YAML: collections nested more than ${maxNesting} deep (a scenario needs about 8); the file is not read further`;
    return { ok: false, problems: [{ file, line, field: '', message }] };
  }
  // uniqueKeys: a key given twice is an error, not "the last one wins"; merge: `<<: *anchor` keys
  // logLevel error: what the library would warn about on stderr is reported as a problem here, or harmless
  const doc = composeFirst(cst, text.length, { uniqueKeys: true, merge: true, logLevel: 'error' });
  const lineAt = (offset: number): number => lines.linePos(offset).line;
  const problems: FileProblem[] = [...doc.errors, ...doc.warnings].map((e) => ({
    file,
    line: lineAt(e.pos[0]),
    field: '',
    message: `YAML: ${e.message}`,
  }));
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) === undefined) {
        const message = `YAML: unknown alias *${node.source} (an anchor &${node.source} must come before it)`;
        problems.push({ file, line: lineAt(node.range?.[0] ?? 0), field: '', message });
      }
    },
    // `? [a, b]: x` or `{ [a]: x }`: a key no scenario field has (the yaml library would make it a string and warn)
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (isMap(key) || isSeq(key)) {
        const message = `YAML: a key must be a plain value, not a ${isMap(key) ? 'mapping' : 'list'}`;
        problems.push({ file, line: lineAt(key.range?.[0] ?? 0), field: '', message });
      }
    },
  });
  if (problems.length > 0) {
    return { ok: false, problems: firstPerLine(problems.sort((a, b) => a.line - b.line)).slice(0, maxSyntaxProblems) };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return { ok: false, problems: [{ file, line: 1, field: '', message: `YAML: ${(e as Error).message}` }] };
  }
  return { ok: true, source: { data, lineOf: (path) => lineOfPath(doc, path, lineAt) } };
}

/** one stray bracket makes the parser complain about every token after it: the first few lines tell */
const maxSyntaxProblems = 3;

function firstPerLine(problems: readonly FileProblem[]): FileProblem[] {
  return problems.filter((p, i) => i === 0 || problems[i - 1]!.line !== p.line);
}

function lineOfPath(doc: Document, path: SpecPath, lineAt: (offset: number) => number): number {
  const lineOfNode = (n: Node | null | undefined): number | undefined => (n?.range ? lineAt(n.range[0]) : undefined);
  let node = doc.contents as Node | null;
  let line = lineOfNode(node) ?? 1;
  for (const key of path) {
    // an error inside an aliased value is reported where the anchored value is written
    while (node !== null && isAlias(node)) node = (node.resolve(doc) as Node | undefined) ?? null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (pair === undefined) return line;
      line = lineOfNode(pair.key as Node) ?? line;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (item === undefined) return line;
      line = lineOfNode(item) ?? line;
      node = item;
    } else {
      return line;
    }
  }
  return line;
}

/** zero-width marker tokens of the yaml lexer (not in the source text) */
const markers = new Set(['\x02', '\x18', '\x1f', '\u{FEFF}']);

interface CstNode {
  readonly type: string;
  readonly offset: number;
  readonly value?: CstNode;
  readonly items?: ReadonlyArray<{ readonly key?: CstNode | null; readonly value?: CstNode | null }>;
}

/** yaml's parseDocument() from a parsed CST: the first document, an error if there are more. */
type ComposeOptions = ConstructorParameters<typeof Composer>[0];

function composeFirst(cst: readonly CST.Token[], length: number, options: ComposeOptions): Document.Parsed {
  const composer = new Composer(options);
  let doc: Document.Parsed | null = null;
  // compose.end(true) yields a document at the very latest
  for (const d of composer.compose(cst, true, length)) {
    if (doc === null) {
      doc = d;
    } else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  return doc!;
}

/** The offset where flow collections ([...], {...}) first nest deeper than maxNesting, or null. */
function tooDeepFlow(text: string): number | null {
  // from the lexer alone: fast, and before the parser sees them
  let depth = 0;
  let offset = 0;
  for (const tok of new Lexer().lex(text)) {
    if (tok === '[' || tok === '{') {
      if (++depth > maxNesting) return offset;
    } else if ((tok === ']' || tok === '}') && depth > 0) {
      depth--;
    }
    if (!markers.has(tok)) offset += tok.length;
  }
  return null;
}

/** The offset where collections (block, and both mixed) first nest deeper than maxNesting, or null; no recursion. */
function tooDeepBlock(cst: readonly CST.Token[]): number | null {
  for (const doc of cst) {
    const stack: Array<[CstNode, number]> = [[doc as CstNode, 0]];
    while (stack.length > 0) {
      const [node, d] = stack.pop()!;
      const items = node.items;
      const level = items !== undefined ? d + 1 : d;
      if (level > maxNesting) return node.offset;
      if (node.value !== undefined && node.value !== null) stack.push([node.value, level]);
      for (const it of items ?? []) {
        if (it.key != null) stack.push([it.key, level]);
        if (it.value != null) stack.push([it.value, level]);
      }
    }
  }
  return null;
}
