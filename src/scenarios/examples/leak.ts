// An error path that returns without freeing what it allocated.
import type { Program } from '../../rt/execution.js';
import { EINVAL, type Gen, KObject, kfree, kzalloc, ENOMEM, readOnce } from '../../sync/index.js';
import type { Scenario } from '../scenario.js';

class Request extends KObject {
  size = 0;
}

class Config extends KObject {
  valid = false;
  override get label(): string {
    return 'config';
  }
}

interface World {
  readonly config: Config;
}

/** allocates a request, then validates the configuration; on failure it must free the request */
function* submitRequest(w: World, freeOnError: boolean): Gen<number> {
  const req = yield* kzalloc(() => new Request());
  if (req === null) return -ENOMEM;
  const valid = yield* readOnce(w.config, 'valid');
  if (!valid) {
    if (freeOnError) yield* kfree(req);
    return -EINVAL;
  }
  yield* kfree(req);
  return 0;
}

export function leakProgram(freeOnError: boolean): Program<World> {
  return {
    setup: () => ({ config: new Config() }),
    threads: (w) => [{ name: 'submit', body: () => submitRequest(w, freeOnError) }],
    final: (_w, results) => (results[0] === -EINVAL ? null : `submit returned ${String(results[0])}, expected -EINVAL`),
  };
}

export const leakOnError: Scenario = {
  name: 'leak-on-error',
  summary: 'an error path returns -EINVAL without freeing its allocation',
  description: 'kmemleak reports the object still allocated after teardown, with its allocation stack.',
  expect: { violations: ['leak'] },
  program: leakProgram(false),
};

export const freeOnError: Scenario = {
  name: 'free-on-error',
  summary: 'the leak twin: the error path frees before returning',
  description: 'Every path frees the request: nothing is left for kmemleak.',
  expect: { pass: true },
  program: leakProgram(true),
};
