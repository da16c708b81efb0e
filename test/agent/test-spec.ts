import { type FunctionSpec, specFor } from '../../src/agent/function-spec.js';
import type { App, Fn } from '../../src/models/index.js';

const app = { id: 'A', name: 'app', config: {} } as unknown as App;
const fn = {
  id: 'F',
  name: 'fn',
  app_id: 'A',
  image: 'img',
  memory: 128,
  timeout: 30,
  idle_timeout: 30,
  config: {},
} as unknown as Fn;

/** The spec of a plain fn, for tests of the agent's parts that never start a container. */
export function testSpec(): FunctionSpec {
  return specFor(app, fn);
}
