// How a scenario file is named to the user (reports, replay keys): relative to the working
// directory when it is below it, else absolute, so the printed command works where it is shown.
import { isAbsolute, relative } from 'node:path';

export function displayPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

/** a command-line word for a path, quoted for a POSIX shell when it needs to be */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
