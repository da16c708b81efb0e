import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { startFnode } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createDatastore } from '../../src/datastore/index.js';
import { createFn, dockerAvailable, eventually, http, startTestFnode } from '../helpers/fnode.js';

const docker = dockerAvailable();

/** A server on a fresh SQLite file whose pino lines (at FN_LOG_LEVEL) are parsed into `lines`. */
async function startLoggingFnode(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'fnode-logs-'));
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n'))
        if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig(
    {
      FN_PORT: '0',
      FNODE_AUTH: 'off',
      FN_DB_URL: `sqlite3://${join(dir, 'fn.db')}`,
      FN_DOCKER_NETWORKS: 'none',
      FN_CONTAINER_LABEL_TAG: `fnode-test-${randomUUID().slice(0, 8)}`,
      ...env,
    },
    dir,
  );
  const fnode = await startFnode({
    config,
    logger: pino({ level: config.logLevel }, sink),
    host: '127.0.0.1',
  });
  return {
    fnode,
    lines,
    config,
    stop: async () => {
      await fnode.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('server logs and call logs', { skip: !docker && 'Docker is not reachable' }, () => {
  it('writes structured pino lines at FN_LOG_LEVEL; every line about a call has its call_id', async () => {
    const { fnode, lines, stop } = await startLoggingFnode({ FN_LOG_LEVEL: 'debug' });
    try {
      const { appId, appName, fnId } = await createFn(fnode.url, 'fnode-test/logs');
      const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '2');
      assert.equal(res.status, 200);
      const callId = String(res.headers['fn-call-id']);
      const userLines = await eventually(() => {
        const u = lines.filter((l) => l['user_log'] === true && l['call_id'] === callId);
        return u.length >= 3 ? u : undefined;
      });
      assert.deepEqual(userLines.map((l) => l['msg']).sort(), ['line 1', 'line 2', 'stdout line']);
      for (const l of userLines) {
        assert.equal(l['level'], 20, 'debug');
        assert.equal(l['fn_id'], fnId);
        assert.ok(typeof l['app_id'] === 'string');
      }
      // Fastify's request lines of the invoke carry the call id too.
      const completed = await eventually(() =>
        lines.find((l) => l['msg'] === 'request completed' && l['call_id'] === callId),
      );
      assert.equal((completed['res'] as { statusCode?: number } | undefined)?.statusCode, 200);
      // And through an HTTP trigger.
      const trig = await http(fnode.url, 'POST', '/v2/triggers', {
        app_id: appId,
        fn_id: fnId,
        name: 'logs',
        type: 'http',
        source: '/logs',
      });
      assert.equal(trig.status, 200, trig.text);
      const viaTrigger = await http(fnode.url, 'POST', `/t/${appName}/logs`, '1');
      assert.equal(viaTrigger.status, 200);
      const triggerCallId = String(viaTrigger.headers['fn-call-id']);
      await eventually(() =>
        lines.find((l) => l['msg'] === 'request completed' && l['call_id'] === triggerCallId),
      );
      // Every request line after "incoming request" (logged before the call exists) has the call id.
      for (const id of [callId, triggerCallId]) {
        const reqId = lines.find((l) => l['call_id'] === id && l['reqId'] !== undefined)?.['reqId'];
        const ofRequest = lines.filter((l) => l['reqId'] === reqId && l['msg'] !== 'incoming request');
        assert.ok(ofRequest.length > 0);
        for (const l of ofRequest) assert.equal(l['call_id'], id, JSON.stringify(l));
      }
      // The id stays with its request: a later request that is no call logs none.
      const before = lines.length;
      assert.equal((await http(fnode.url, 'GET', '/v2/apps')).status, 200);
      const later = await eventually(() => lines.slice(before).find((l) => l['msg'] === 'request completed'));
      assert.equal(later['call_id'], undefined, JSON.stringify(later));
      assert.ok(
        !lines.some((l) => l['msg'] === 'incoming request' && l['call_id'] !== undefined),
        'no request starts with a call id',
      );
    } finally {
      await stop();
    }
  });

  it('at info, logs control-plane requests but not each invocation (its call record and metrics count it)', async () => {
    const { fnode, lines, config, stop } = await startLoggingFnode({});
    assert.equal(config.logLevel, 'info');
    try {
      const { appName, fnId, appId } = await createFn(fnode.url, 'fnode-test/hello');
      await http(fnode.url, 'POST', '/v2/triggers', {
        app_id: appId,
        fn_id: fnId,
        name: 'hello',
        type: 'http',
        source: '/hello',
      });
      const invoked = await http(fnode.url, 'POST', `/invoke/${fnId}`, '{}');
      assert.equal(invoked.status, 200);
      assert.equal((await http(fnode.url, 'GET', `/t/${appName}/hello`)).status, 200);
      assert.equal((await http(fnode.url, 'GET', '/v2/apps')).status, 200);
      const urlOf = (l: Record<string, unknown>) => (l['req'] as { url?: string } | undefined)?.url;
      const appsReq = lines.find((l) => l['msg'] === 'incoming request' && urlOf(l) === '/v2/apps');
      assert.ok(appsReq, 'the control-plane request is logged at info');
      const listed = await eventually(() =>
        lines.find((l) => l['msg'] === 'request completed' && l['reqId'] === appsReq['reqId']),
      );
      assert.equal(listed['level'], 30);
      const urls = lines.filter((l) => l['msg'] === 'incoming request').map(urlOf);
      assert.ok(urls.includes('/v2/apps') && urls.includes('/v2/fns'), urls.join(' '));
      assert.ok(!urls.some((u) => /^\/(invoke|t)\//.test(u ?? '')), urls.join(' '));
      const invokeLines = lines.filter((l) => l['call_id'] === invoked.headers['fn-call-id']);
      assert.deepEqual(invokeLines, []);
    } finally {
      await stop();
    }
  });

  it('caps a call log with the truncation marker and stores it in the FN_LOGSTORE_URL database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fnode-logstore-'));
    const logsUrl = `sqlite3://${join(dir, 'logs.db')}`;
    const fnode = await startTestFnode({ FN_LOGSTORE_URL: logsUrl, FN_MAX_LOG_SIZE_BYTES: '40' });
    try {
      const { fnId } = await createFn(fnode.url, 'fnode-test/logs');
      const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '10');
      assert.equal(res.status, 200);
      const callId = String(res.headers['fn-call-id']);
      const marker = '\n-----max log size 40 bytes exceeded, truncating log-----\n';
      const log = await eventually(async () => {
        const r = await http(fnode.url, 'GET', `/v2/fns/${fnId}/calls/${callId}/log`);
        return r.status === 200 ? r.json<{ log: string }>().log : undefined;
      });
      assert.ok(log.endsWith(marker), log);
      // Whole lines up to the cap; stdout and stderr are separate pipes, so their order varies.
      const kept = log.slice(0, -marker.length);
      assert.ok(Buffer.byteLength(kept) <= 40, kept);
      const lines = kept.split('\n').slice(0, -1);
      assert.ok(lines.length >= 4, kept);
      for (const line of lines) assert.match(line, /^(line \d+|stdout line)$/);
      assert.deepEqual(
        lines.filter((l) => l.startsWith('line ')),
        lines.filter((l) => l.startsWith('line ')).map((_, i) => `line ${i + 1}`),
        'stderr lines in order',
      );
      // The log row is in the log store's database, not the datastore's.
      const logs = await createDatastore(logsUrl);
      try {
        assert.equal(await logs.getLog(callId), log);
      } finally {
        await logs.close();
      }
    } finally {
      await fnode.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
