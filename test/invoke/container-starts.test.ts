import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFn, dockerAvailable, http, startTestFnode } from '../helpers/fnode.js';

const docker = dockerAvailable();

describe('container starts at once (FNODE_MAX_STARTING_CONTAINERS)', {
  skip: !docker && 'Docker is not reachable',
}, () => {
  it('starts at most the limit at a time, and a burst of slow calls still scales out', async () => {
    const fnode = await startTestFnode({
      FNODE_MAX_STARTING_CONTAINERS: '2',
      // Every waiting call asks for a container at once: the limit alone holds the burst back.
      FNODE_LAUNCH_GRACE_MSECS: '0',
    });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/sleep');
      let maxStarting = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          maxStarting = Math.max(maxStarting, fnode.agent?.stats().starting ?? 0);
          await new Promise((r) => setTimeout(r, 2));
        }
      })();
      const replies = await Promise.all(
        Array.from({ length: 8 }, () => http(fnode.url, 'POST', `/invoke/${fnId}`, '1500')),
      );
      sampling = false;
      await sampler;
      assert.deepEqual(
        replies.map((r) => [r.status, r.text]),
        replies.map(() => [200, 'slept 1500']),
      );
      assert.ok(maxStarting >= 1, 'the sampler saw the starts');
      assert.ok(maxStarting <= 2, `${maxStarting} containers were starting at once`);
      assert.ok((fnode.agent?.stats().containers ?? 0) >= 3, 'the slow fn scaled out past the limit');
    } finally {
      await fnode.stop();
    }
  });
});
