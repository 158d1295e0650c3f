// Kernel-style report texts. They follow the shape of the real splats (WARNING, KASAN, lockdep,
// hung task, kmemleak) so a kernel developer reads them without a legend.
import { type Frame, formatFrames, kernelName } from './stack.js';

const cut = '------------[ cut here ]------------';
const rule = '==================================================================';

export function callTrace(frames: readonly Frame[]): string {
  return ['Call Trace:', ' <TASK>', formatFrames(frames), ' </TASK>'].join('\n');
}

export function at(frames: readonly Frame[]): string {
  const f = frames[0];
  return f === undefined ? 'unknown' : `${kernelName(f.fn)} (${f.where})`;
}

export function warnSplat(task: string, pid: number, frames: readonly Frame[], message: string): string {
  return [
    cut,
    `WARNING: CPU: 0 PID: ${pid} at ${at(frames)}`,
    message,
    `Comm: ${task}`,
    callTrace(frames),
    '---[ end trace 0000000000000000 ]---',
  ].join('\n');
}

export function bugSplat(task: string, pid: number, frames: readonly Frame[], message: string): string {
  return [
    cut,
    `kernel BUG at ${at(frames)}!`,
    message,
    'Oops: invalid opcode: 0000 [#1] PREEMPT SMP',
    `CPU: 0 PID: ${pid} Comm: ${task}`,
    callTrace(frames),
    '---[ end trace 0000000000000000 ]---',
  ].join('\n');
}

export function nullDerefSplat(task: string, pid: number, frames: readonly Frame[], expr: string): string {
  return [
    'BUG: kernel NULL pointer dereference, address: 0000000000000000',
    '#PF: supervisor read access in kernel mode',
    '#PF: error_code(0x0000) - not-present page',
    `Oops: 0000 [#1] PREEMPT SMP`,
    `CPU: 0 PID: ${pid} Comm: ${task}`,
    `RIP: ${at(frames)}`,
    `dereferenced: ${expr}`,
    callTrace(frames),
  ].join('\n');
}

export function kasanSplat(opts: {
  bug: 'slab-use-after-free' | 'double-free' | 'invalid-free';
  access: string;
  object: string;
  task: string;
  pid: number;
  frames: readonly Frame[];
  allocStack: readonly Frame[] | null;
  freeStack: readonly Frame[] | null;
  freeTask: string | null;
}): string {
  const lines = [
    rule,
    `BUG: KASAN: ${opts.bug} in ${at(opts.frames)}`,
    `${opts.access} by task ${opts.task}/${opts.pid}`,
    '',
    callTrace(opts.frames),
    '',
    'Allocated by task:',
    opts.allocStack === null ? '  (stack recorded on replay)' : formatFrames(opts.allocStack),
  ];
  if (opts.bug !== 'invalid-free') {
    lines.push(
      '',
      `Freed by task ${opts.freeTask ?? '?'}:`,
      opts.freeStack === null ? '  (stack recorded on replay)' : formatFrames(opts.freeStack),
    );
  }
  lines.push('', `The buggy address belongs to the object ${opts.object}`, rule);
  return lines.join('\n');
}
