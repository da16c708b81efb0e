import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { dockerAvailable, eventually, http, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { type Rsyslog, rsyslogAvailable, startRsyslog } from '../helpers/rsyslog.js';

const docker = dockerAvailable();
const rsyslog = docker && rsyslogAvailable();

async function appWithFn(
  fnode: TestFnode,
  syslogUrl: string,
  image: string,
): Promise<{ appId: string; fnId: string }> {
  const app = await http(fnode.url, 'POST', '/v2/apps', {
    name: `sys-${randomUUID().slice(0, 8)}`,
    syslog_url: syslogUrl,
  });
  assert.equal(app.status, 200, app.text);
  const appId = app.json<{ id: string }>().id;
  const fn = await http(fnode.url, 'POST', '/v2/fns', { app_id: appId, name: 'logger', image, timeout: 30 });
  assert.equal(fn.status, 200, fn.text);
  return { appId, fnId: fn.json<{ id: string }>().id };
}

describe('syslog (seed 000) into a real rsyslog', {
  skip: !rsyslog && 'Docker or rsyslogd (+ rsyslog-gnutls) missing',
}, () => {
  let rs: Rsyslog;
  let fnode: TestFnode;
  before(async () => {
    rs = await startRsyslog();
    fnode = await startTestFnode({ FNODE_SYSLOG_TLS_CA_FILE: rs.caFile });
  });
  after(async () => {
    await fnode?.stop();
    await rs?.stop();
  });

  it('sends every line of every call to each URL (tcp, udp, tcp+tls) as RFC 5424 with app, fn and call id', async () => {
    const urls = [
      `tcp://127.0.0.1:${rs.tcpPort}`,
      `udp://127.0.0.1:${rs.udpPort}`,
      `tcp+tls://127.0.0.1:${rs.tlsPort}`,
    ];
    const { appId, fnId } = await appWithFn(fnode, urls.join(','), 'fnode-test/logs');
    const ids: string[] = [];
    for (const n of ['3', '2']) {
      const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, n);
      assert.equal(res.status, 200);
      ids.push(String(res.headers['fn-call-id']));
    }
    // One container served both calls: its connections were reused, the call id swapped per call.
    assert.equal(fnode.agent?.stats().containers, 1);
    for (const input of ['tcp', 'udp', 'tls'] as const) {
      const lines = await eventually(() => {
        const l = rs.lines(input).filter((x) => x.includes(`app_id=${appId}`));
        return l.length >= 7 ? l : undefined;
      });
      assert.equal(lines.length, 7, `${input}: ${lines.join('\n')}`);
      const expected = [
        [ids[0], '11', 'line 1'],
        [ids[0], '11', 'line 2'],
        [ids[0], '11', 'line 3'],
        [ids[0], '14', 'stdout line'],
        [ids[1], '11', 'line 1'],
        [ids[1], '11', 'line 2'],
        [ids[1], '14', 'stdout line'],
      ];
      const got = lines.map((l) => l.split('|'));
      for (const [callId, pri, text] of expected) {
        const hit = got.find(
          (g) => g[0] === pri && g[5]?.trim() === `call_id=${callId} fn_id=${fnId} app_id=${appId} ${text}`,
        );
        assert.ok(hit, `${input}: no "${text}" of ${callId} with pri ${pri} in\n${lines.join('\n')}`);
        // rsyslog parsed it as RFC 5424: version 1, our timestamp, host "fn", no app name.
        assert.equal(hit[1], '1');
        assert.equal(hit[3], 'fn');
        assert.equal(hit[4], '-');
        assert.ok(Math.abs(Date.parse(hit[2] ?? '') - Date.now()) < 60_000);
      }
    }
  });

  it('with FNODE_EXACT_CALL_LOGS=true, sends lines written between calls without a call id', async (t) => {
    // By default a line 50 ms after the answer still counts as the call's (Fn's arrival time).
    const exact = await startTestFnode({
      FNODE_SYSLOG_TLS_CA_FILE: rs.caFile,
      FNODE_EXACT_CALL_LOGS: 'true',
    });
    t.after(() => exact.stop());
    const { appId, fnId } = await appWithFn(exact, `tcp://127.0.0.1:${rs.tcpPort}`, 'fnode-test/late-logs');
    const res = await http(exact.url, 'POST', `/invoke/${fnId}`, 'during the call');
    assert.equal(res.status, 200);
    assert.equal(res.text, 'ok');
    const callId = String(res.headers['fn-call-id']);
    const lines = await eventually(() => {
      const l = rs.lines('tcp').filter((x) => x.includes(`app_id=${appId}`));
      return l.some((x) => x.includes(' late line')) && l.length >= 2 ? l : undefined;
    });
    const msgs = lines.map((l) => l.split('|')[5]?.trim());
    assert.ok(
      msgs.includes(`call_id=${callId} fn_id=${fnId} app_id=${appId} during the call`),
      lines.join('\n'),
    );
    // Written 50 ms after the answer, once the call no longer holds the container: no call id.
    const late = lines.find((l) => l.includes(' late line'))?.split('|') ?? [];
    assert.equal(late[5]?.trim(), `call_id= fn_id=${fnId} app_id=${appId} late line`, lines.join('\n'));
    assert.equal(late[0], '11', 'stderr');
  });

  it('[v1] sends the lines of legacy-format calls (cold default, hot json) with their call id', async () => {
    const app = `sys-v1-${randomUUID().slice(0, 8)}`;
    const made = await http(fnode.url, 'POST', '/v1/apps', {
      app: { name: app, syslog_url: `tcp://127.0.0.1:${rs.tcpPort}` },
    });
    assert.equal(made.status, 200, made.text);
    const appId = made.json<{ app: { id: string } }>().app.id;
    const ids: Record<string, string> = {};
    for (const format of ['default', 'json'] as const) {
      const path = `/${format}`;
      const route = await http(fnode.url, 'POST', `/v1/apps/${app}/routes`, {
        route: { path, image: 'fnode-test/legacy', format },
      });
      assert.equal(route.status, 200, route.text);
      const res = await http(fnode.url, 'POST', `/r/${app}${path}`, `to ${format}`);
      assert.equal(res.status, 200, res.text);
      ids[format] = String(res.headers['fn_call_id'] ?? res.headers['fn-call-id']);
    }
    const lines = await eventually(() => {
      const l = rs.lines('tcp').filter((x) => x.includes(`app_id=${appId}`));
      return l.length >= 2 ? l : undefined;
    });
    const msgs = lines.map((l) => l.split('|')[5]?.trim());
    for (const format of ['default', 'json'] as const) {
      assert.ok(
        msgs.includes(`call_id=${ids[format]} fn_id= app_id=${appId} ${format} log to ${format}`),
        lines.join('\n'),
      );
    }
  });

  it('never slows or fails a call when receivers are dead or do not read; drops are counted', async () => {
    // A receiver that accepts and never reads, and a port nobody listens on.
    const stalled: Socket[] = [];
    const slow = createServer((s) => {
      s.pause();
      stalled.push(s);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const slowPort = (slow.address() as { port: number }).port;
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    try {
      const { fnId } = await appWithFn(
        fnode,
        `tcp://127.0.0.1:${slowPort},tcp://127.0.0.1:${closedPort}`,
        'fnode-test/logs',
      );
      assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '1')).status, 200);
      // Calls of 20,000 lines (~1.5 MB each) until the stalled receiver's socket buffers are full:
      // every call still answers at once.
      let metrics = '';
      for (let i = 0; i < 40 && !/reason="buffer_full"\} [1-9]/.test(metrics); i++) {
        const t = Date.now();
        const res = await http(fnode.url, 'POST', `/invoke/${fnId}`, '20000');
        const ms = Date.now() - t;
        assert.equal(res.status, 200);
        assert.equal(res.text, 'logged 20000');
        assert.ok(ms < 5000, `call ${i} took ${ms} ms`);
        metrics = (await http(fnode.url, 'GET', '/metrics')).text;
      }
      assert.match(metrics, /fnode_syslog_dropped_lines_total\{reason="buffer_full"\} [1-9]/);
      assert.match(metrics, /fnode_syslog_dropped_lines_total\{reason="disconnected"\} [1-9]/);
      // The server still answers other calls promptly.
      assert.equal((await http(fnode.url, 'POST', `/invoke/${fnId}`, '1')).status, 200);
    } finally {
      for (const s of stalled) s.destroy();
      await new Promise((r) => slow.close(r));
    }
  });
});
