// An allocation whose failure is not checked: fine until the allocation fails.
import type { Program } from '../../rt/execution.js';
import { deref, ENOMEM, type Gen, KObject, kfree, kzalloc, writeOnce } from '../../sync/index.js';
import type { Scenario } from '../scenario.js';

class Entry extends KObject {
  id = 0;
}

function* createEntry(checked: boolean): Gen<number> {
  const e = yield* kzalloc(() => new Entry());
  if (checked && e === null) return -ENOMEM;
  yield* writeOnce(deref(e, 'entry'), 'id', 7);
  yield* kfree(e);
  return 0;
}

export function allocProgram(checked: boolean): Program<null> {
  return {
    setup: () => null,
    threads: () => [
      { name: 'create0', body: () => createEntry(checked) },
      { name: 'create1', body: () => createEntry(checked) },
    ],
  };
}

export const uncheckedAlloc: Scenario = {
  name: 'unchecked-alloc',
  summary: 'kzalloc() result used without a NULL check',
  description:
    'No schedule alone breaks it; with allocation failures as choices (at most one per execution) ' +
    'the explorer fails the allocation and the dereference oopses.',
  expect: { violations: ['null-deref'] },
  program: allocProgram(false),
  faults: { mode: 'choice', maxFailures: 1 },
};

export const checkedAlloc: Scenario = {
  name: 'checked-alloc',
  summary: 'the unchecked-alloc twin: returns -ENOMEM when kzalloc() fails',
  description: 'The same fault injection finds nothing: every failure is handled.',
  expect: { pass: true },
  program: allocProgram(true),
  faults: { mode: 'choice', maxFailures: 1 },
};
