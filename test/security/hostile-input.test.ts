import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { dockerAvailable, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import {
  assertStillServing,
  closesInTime,
  concurrentProperty,
  createFixtures,
  editThenCallProperty,
  type FuzzTarget,
  PROPERTY_FAMILIES,
  propertyOf,
  snapshotOf,
  useAdminToken,
  writeThenReadProperty,
} from './api-properties.js';
import { authorizationArb } from './api-arbitraries.js';

/**
 * Issue 13 item 9: random paths, ids, query strings, headers and bodies on every route. A fixed
 * seed and few runs keep `npm test` deterministic and quick; `npm run bench:fuzz` runs the same
 * properties with a random seed and many more runs.
 */
const SEED = 42;
const RUNS = 150;

const docker = dockerAvailable();

describe('hostile input on every route: an answer in time, 2xx or 4xx (or a function 5xx), in Fn’s shape', () => {
  let fnode: TestFnode;
  let target: FuzzTarget;
  let before_: Record<string, unknown>;

  before(async () => {
    fnode = await startTestFnode();
    const fixtures = await createFixtures(fnode.url);
    target = { url: fnode.url, port: Number(new URL(fnode.url).port), fixtures };
    before_ = await snapshotOf(fnode.url, fixtures.keep);
  });
  after(async () => {
    // Closed by the last test; again here (at once then) in case it did not run.
    await closesInTime(() => fnode?.stop() ?? Promise.resolve()).catch(() => {});
  });

  for (const { name, families } of PROPERTY_FAMILIES) {
    it(name, async () => {
      await fc.assert(propertyOf(target, families), { seed: SEED, numRuns: RUNS });
    });
  }

  it('an edit with a hostile body, then a call through what was edited', async () => {
    await fc.assert(editThenCallProperty(target), { seed: SEED, numRuns: RUNS / 2 });
  });

  it('what a write answers is what a read gives back', async () => {
    await fc.assert(writeThenReadProperty(target), { seed: SEED, numRuns: RUNS / 2 });
  });

  it('requests of every kind at once', async () => {
    await fc.assert(concurrentProperty(target), { seed: SEED, numRuns: RUNS / 10 });
  });

  it('keeps serving and storing afterwards, and what was made before is intact', async () => {
    await assertStillServing(fnode.url, target.fixtures.keep, docker);
    assert.deepEqual(await snapshotOf(fnode.url, target.fixtures.keep), before_);
  });

  it('closes in time afterwards: no request or connection left hanging', async () => {
    await closesInTime(() => fnode.stop());
  });
});

describe('hostile input with authentication on: no token, bad tokens and real ones alike', () => {
  let fnode: TestFnode;
  let target: FuzzTarget;
  let before_: Record<string, unknown>;

  before(async () => {
    fnode = await startTestFnode({ FNODE_AUTH: 'on' });
    const admin = fnode.adminToken?.secret;
    assert.ok(admin, 'the first start made an admin token');
    useAdminToken(fnode.url, admin);
    const made = await fetch(`${fnode.url}/v2/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'fuzz reader', scope: 'read' }),
    });
    const reader = ((await made.json()) as { token: string }).token;
    const fixtures = await createFixtures(fnode.url);
    target = {
      url: fnode.url,
      port: Number(new URL(fnode.url).port),
      fixtures,
      // The admin's token, a read-only one, random ones, or none.
      authorization: fc.option(
        fc.oneof(
          fc.constant(`Bearer ${admin}`),
          fc.constant(`Bearer ${reader}`),
          fc.constant(`bearer ${admin}`),
          authorizationArb,
        ),
        { nil: undefined },
      ),
    };
    before_ = await snapshotOf(fnode.url, fixtures.keep);
  });
  after(async () => {
    await fnode?.stop();
  });

  for (const { name, families } of PROPERTY_FAMILIES) {
    it(name, async () => {
      await fc.assert(propertyOf(target, families), { seed: SEED, numRuns: RUNS / 3 });
    });
  }

  it('keeps serving and storing afterwards, and what was made before is intact', async () => {
    await assertStillServing(fnode.url, target.fixtures.keep, docker);
    assert.deepEqual(await snapshotOf(fnode.url, target.fixtures.keep), before_);
  });
});
