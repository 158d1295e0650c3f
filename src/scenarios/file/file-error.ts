// What is wrong with a scenario file, said the way a compiler says it: FILE:LINE: FIELD: message,
// one line per problem. The CLI prints these and exits 2; nothing else about them is an error
// of the tool.

export interface FileProblem {
  /** the file as the user named it */
  readonly file: string;
  /** 1-based; 0 when the problem is the whole file (it cannot be read) */
  readonly line: number;
  /** the field, as threads[1].ops[0].op; empty for the file or a syntax error */
  readonly field: string;
  readonly message: string;
}

export function problemText(p: FileProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}` : p.file;
  return p.field === '' ? `${where}: ${p.message}` : `${where}: ${p.field}: ${p.message}`;
}

/** at most this many problems are listed; a file that bad is best fixed from the top */
export const maxProblems = 20;

export class ScenarioFileError extends Error {
  override readonly name = 'ScenarioFileError';

  constructor(readonly problems: readonly FileProblem[]) {
    const shown = problems.slice(0, maxProblems).map(problemText);
    if (problems.length > maxProblems) shown.push(`... and ${problems.length - maxProblems} more problems`);
    super(shown.join('\n'));
  }

  static whole(file: string, message: string): ScenarioFileError {
    return new ScenarioFileError([{ file, line: 0, field: '', message }]);
  }
}

/** a file whose content is no longer the content a run recorded (by its SHA-256) */
export class ScenarioFileChanged extends ScenarioFileError {
  constructor(
    readonly file: string,
    readonly then: string,
    readonly now: string,
  ) {
    super([{ file, line: 0, field: '', message: `has changed since it was read (sha256 ${then.slice(0, 12)}... then, ${now.slice(0, 12)}... now)` }]);
  }
}
