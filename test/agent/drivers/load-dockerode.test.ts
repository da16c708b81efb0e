// dockerode with its SSH transport and BuildKit session deferred: absent until used, working when used.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { loadDockerode } from '../../../src/agent/drivers/docker/load-dockerode.js';

const require = createRequire(import.meta.url);
const loaded = (pkg: string) => Object.keys(require.cache).some((f) => f.includes(`/node_modules/${pkg}/`));

describe('loadDockerode', () => {
  test('gives a client without ssh2 or gRPC, which loads ssh2 for an ssh:// engine', async () => {
    const Docker = loadDockerode();
    assert.equal(loadDockerode(), Docker, 'loaded once');
    assert.ok(loaded('dockerode') && loaded('docker-modem'));
    for (const pkg of ['ssh2', '@grpc/grpc-js', 'protobufjs'])
      assert.ok(!loaded(pkg), `${pkg} not loaded yet`);

    // Nothing listens on port 1: the SSH transport, loaded now, reports the refused connection.
    const ssh = new Docker({ protocol: 'ssh', host: '127.0.0.1', port: 1, username: 'nobody' });
    await assert.rejects(ssh.ping(), /ECONNREFUSED/);
    assert.ok(loaded('ssh2'));
  });
});
