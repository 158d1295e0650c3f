// Model call stacks, taken from the JS stack. Generators delegating with `yield*` keep every
// caller on the stack, so the frames read like a kernel backtrace: innermost first.

export interface Frame {
  /** JS function name, e.g. "iommuAttachDevice" */
  readonly fn: string;
  /** source location, e.g. "src/core/attach.ts:42" */
  readonly where: string;
}

// Frames from these folders (and folders inside them) are the machinery, not the model.
const machinery = /[\\/]src[\\/](?:rt|sync|explorer|check|cli|report)[\\/]|\(node:|node:internal|<anonymous>|node_modules/;
// The runtime resuming a thread: everything further out is not that thread's call stack (it is
// the scheduler and whatever ran it, or the parent that kthread_run() the thread from).
const threadEntry = /[\\/]rt[\\/]execution\.[jt]s:/;
const frameLine = /^\s*at (?:(.+?) \()?(.+?):(\d+):\d+\)?$/;

export function captureStack(): Frame[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const text = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return parseStack(text);
}

export function parseStack(text: string): Frame[] {
  const frames: Frame[] = [];
  for (const line of text.split('\n')) {
    if (frames.length > 0 && threadEntry.test(line)) break;
    if (machinery.test(line)) continue;
    const m = frameLine.exec(line);
    if (m === null) continue;
    const fn = (m[1] ?? '<toplevel>').replace(/^Generator\./, '').replace(/^(?:Object|Proxy)\./, '');
    if (fn.endsWith('.next') || fn.startsWith('new ')) continue;
    frames.push({ fn, where: `${shortPath(m[2]!)}:${m[3]}` });
  }
  return frames;
}

function shortPath(file: string): string {
  const path = file.replace(/^file:\/\//, '');
  const at = path.search(/[\\/](?:src|test|bench|dist)[\\/]/);
  const rel = at < 0 ? path : path.slice(at + 1);
  return rel.replace(/^dist[\\/]/, '').replace(/\.js$/, '.ts');
}

/** The kernel's spelling of a model function name: iommuAttachDevice -> iommu_attach_device. */
export function kernelName(fn: string): string {
  const lead = /^_*/.exec(fn)![0];
  return lead + fn.slice(lead.length).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function formatFrames(frames: readonly Frame[], indent = '  '): string {
  return frames.map((f) => `${indent}${kernelName(f.fn)}  (${f.where})`).join('\n');
}
