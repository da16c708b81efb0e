import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { createFn, dockerAvailable, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { act, HOSTILE } from './hostile.js';

const docker = dockerAvailable();

/** An address of this host that is not loopback: what a container on a network could reach. */
const hostAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

interface Probe {
  connected: boolean;
  error: string | null;
  interfaces: string[];
}

/**
 * Issue 13, items 7 and 8: with FN_DOCKER_NETWORKS=none a function reaches nothing, not even a
 * server on its own host (fnode's API among them). The control on the host's network shows the
 * probe does connect where there is a way.
 */
describe('a function on network none reaches nothing', {
  skip:
    (!docker && 'Docker is not reachable') || (!hostAddress && 'the host has no non-loopback IPv4 address'),
}, () => {
  let server: Server;
  let port: number;

  before(async () => {
    server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, hostAddress, resolve));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  async function probe(fnode: TestFnode): Promise<Probe> {
    const { fnId } = await createFn(fnode.url, HOSTILE);
    const res = await act(fnode.url, `/invoke/${fnId}`, 'net', { host: hostAddress, port });
    assert.equal(res.status, 200, res.text);
    return res.json<Probe>();
  }

  it('network none: only a loopback interface, a TCP connection to the host fails at once', async () => {
    const fnode = await startTestFnode({ FN_DOCKER_NETWORKS: 'none' });
    try {
      assert.deepEqual(await probe(fnode), { connected: false, error: 'ENETUNREACH', interfaces: ['lo'] });
    } finally {
      await fnode.stop();
    }
  });

  it("the control, on the host's network: the same probe connects", async () => {
    const fnode = await startTestFnode({ FN_DOCKER_NETWORKS: 'host' });
    try {
      const out = await probe(fnode);
      assert.equal(out.connected, true, JSON.stringify(out));
    } finally {
      await fnode.stop();
    }
  });
});
