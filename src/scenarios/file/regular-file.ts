// Reading a file the user named: only a regular file, and at most `maxBytes` of it. A FIFO would
// block the open (or the read) forever, /dev/zero would fill memory, a directory is not a file:
// each is refused with the reason, before anything is read.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Why a file cannot be read, as the end of "cannot read FILE: ..." */
export class FileReadError extends Error {}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function mib(bytes: number): string {
  const m = bytes / (1024 * 1024);
  return `${Number.isInteger(m) ? m : m.toFixed(1)} MiB`;
}

function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a component of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return code ?? (e as Error).message;
  }
}

/** The bytes of `file`, a regular file of at most `maxBytes`; otherwise a FileReadError. */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (fstat then refuses it)
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new FileReadError(why(e));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileReadError(`is ${kindOf(st)}, not a regular file`);
    const tooBig = (): FileReadError => new FileReadError(`is larger than ${mib(maxBytes)}, the most iommulab reads from such a file`);
    if (st.size > maxBytes) throw tooBig();
    // read to the end, whatever the size said (a file may grow, /proc files say 0)
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(Math.max(st.size - total, 0) + 1, maxBytes + 1 - total, 1 << 20) || 1);
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        throw new FileReadError(why(e));
      }
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > maxBytes) throw tooBig();
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}
