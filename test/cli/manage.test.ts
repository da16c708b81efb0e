import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { buildCli, fnode, show } from './helpers.js';

interface Entity {
  id: string;
  name: string;
  [key: string]: unknown;
}

const uid = () => randomUUID().slice(0, 8);

describe('fnode list|create|update|delete|inspect apps, fns, triggers', () => {
  let server: TestFnode;
  let api: string[];

  before(async () => {
    await buildCli();
    server = await startTestFnode();
    api = ['--api-url', server.url];
  });
  after(async () => {
    await server?.stop();
  });

  const ok = async (args: string[]) => {
    const r = await fnode([...args, ...api, '--output', 'json']);
    assert.equal(r.code, 0, show(r));
    return r;
  };

  test('apps: create, list, inspect, update (config and JSON annotations), delete', async () => {
    const name = `app-${uid()}`;
    const created = (
      await ok(['create', 'app', name, '--config', 'A=1', '--config', 'B=x=y', '--annotation', 'k={"n":1}'])
    ).json<Entity>();
    assert.equal(created.name, name);
    assert.deepEqual(created['config'], { A: '1', B: 'x=y' });
    assert.deepEqual(created['annotations'], { k: { n: 1 } });

    const listed = (await ok(['list', 'apps'])).json<Entity[]>();
    assert.ok(listed.some((a) => a.id === created.id));

    assert.equal((await ok(['inspect', 'app', name])).json<Entity>().id, created.id);
    const prop = await fnode(['inspect', 'app', name, 'config.A', ...api]);
    assert.equal(prop.stdout, '1\n', show(prop));

    const updated = (
      await ok(['update', 'app', name, '--config', 'A=', '--annotation', 'plain=hello', '--syslog-url', ''])
    ).json<Entity>();
    assert.deepEqual(updated['config'], { B: 'x=y' });
    assert.deepEqual(updated['annotations'], { k: { n: 1 }, plain: 'hello' });

    const table = await fnode(['list', 'a', ...api]);
    assert.equal(table.code, 0, show(table));
    assert.match(table.stdout, /^NAME\s+ID\n/);
    assert.match(table.stdout, new RegExp(`${name}\\s+${created.id}`));

    assert.equal((await ok(['delete', 'app', name])).json<Entity>()['id'], created.id);
    const gone = await fnode(['inspect', 'app', name, ...api]);
    assert.equal(gone.code, 1, show(gone));
    assert.match(
      gone.stderr,
      new RegExp(`app ${name} not found: create it with \`fnode create app ${name}\``),
    );
  });

  test('fns: create with limits, list, inspect, update, delete (aliases fn, f, functions)', async () => {
    const app = `app-${uid()}`;
    await ok(['create', 'app', app]);
    const fn = (
      await ok([
        'create',
        'fn',
        app,
        'hello',
        'img:0.0.1',
        '-m',
        '256',
        '--timeout',
        '60',
        '--idle-timeout',
        '20',
      ])
    ).json<Entity>();
    assert.equal(fn['image'], 'img:0.0.1');
    assert.equal(fn['memory'], 256);
    assert.equal(fn['timeout'], 60);
    assert.equal(fn['idle_timeout'], 20);
    assert.match(
      String((fn['annotations'] as Record<string, unknown>)['fnproject.io/fn/invokeEndpoint']),
      /\/invoke\//,
    );

    const list = (await ok(['list', 'functions', app])).json<Entity[]>();
    assert.deepEqual(
      list.map((f) => f.name),
      ['hello'],
    );
    const updated = (
      await ok(['update', 'f', app, 'hello', '--image', 'img:0.0.2', '-c', 'FOO=bar', '--memory', '512'])
    ).json<Entity>();
    assert.equal(updated['image'], 'img:0.0.2');
    assert.equal(updated['memory'], 512);
    assert.deepEqual(updated['config'], { FOO: 'bar' });
    assert.equal((await ok(['inspect', 'fn', app, 'hello'])).json<Entity>()['image'], 'img:0.0.2');

    const table = await fnode(['list', 'fns', app, ...api]);
    assert.match(table.stdout, /^NAME\s+IMAGE\s+ID\s+ENDPOINT\nhello\s+img:0\.0\.2\s+/);

    await ok(['delete', 'fn', app, 'hello']);
    const gone = await fnode(['inspect', 'fn', app, 'hello', ...api]);
    assert.equal(gone.code, 1, show(gone));
    assert.match(gone.stderr, /function hello not found in app .*: deploy it with `fnode deploy --app/);
  });

  test('triggers: create (leading / added), list, inspect, update, delete', async () => {
    const app = `app-${uid()}`;
    await ok(['create', 'app', app]);
    await ok(['create', 'fn', app, 'hello', 'img:1']);
    const t = (
      await ok(['create', 'trigger', app, 'hello', 'web', '--source', 'greet', '--type', 'http'])
    ).json<Entity>();
    assert.equal(t['source'], '/greet');
    assert.equal(t['type'], 'http');
    assert.equal(
      (t['annotations'] as Record<string, unknown>)['fnproject.io/trigger/httpEndpoint'],
      `${server.url}/t/${app}/greet`,
    );
    const dflt = (await ok(['create', 'tr', app, 'hello', 'other'])).json<Entity>();
    assert.equal(dflt['source'], '/other');

    const all = (await ok(['list', 'triggers', app])).json<Entity[]>();
    assert.deepEqual(all.map((x) => x.name).sort(), ['other', 'web']);
    const table = await fnode(['list', 'triggers', app, ...api]);
    assert.match(table.stdout, /^FUNCTION\s+NAME\s+ID\s+TYPE\s+SOURCE\s+ENDPOINT\n/);
    assert.match(table.stdout, /hello\s+web\s+\S+\s+http\s+\/greet\s+http/);

    const updated = (await ok(['update', 'trigger', app, 'hello', 'web', '-s', '/hi'])).json<Entity>();
    assert.equal(updated['source'], '/hi');
    assert.equal((await ok(['inspect', 'trigger', app, 'hello', 'web'])).json<Entity>()['source'], '/hi');
    const src = await fnode(['inspect', 'trigger', app, 'hello', 'web', 'source', ...api]);
    assert.equal(src.stdout, '/hi\n', show(src));

    await ok(['delete', 'trigger', app, 'hello', 'web']);
    assert.deepEqual(
      (await ok(['list', 'triggers', app, 'hello'])).json<Entity[]>().map((x) => x.name),
      ['other'],
    );
    const gone = await fnode(['delete', 'trigger', app, 'hello', 'web', ...api]);
    assert.equal(gone.code, 1, show(gone));
    assert.match(gone.stderr, /trigger web not found on function hello/);
  });

  test('people get tables and sentences, not JSON', async () => {
    const app = `app-${uid()}`;
    const r = await fnode(['create', 'app', app, ...api]);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, `Successfully created app: ${app}\n`);
    assert.equal(r.stderr, '');
  });

  test("API errors: exit 1 with Fn's message on stderr", async () => {
    const app = `app-${uid()}`;
    await ok(['create', 'app', app]);
    const dup = await fnode(['create', 'app', app, ...api]);
    assert.equal(dup.code, 1, show(dup));
    assert.match(dup.stderr, /^fnode: App already exists \(HTTP 409\)\n$/);
    assert.equal(dup.stdout, '');

    const badMemory = await fnode(['create', 'fn', app, 'big', 'img:1', '--memory', '999999', ...api]);
    assert.equal(badMemory.code, 1, show(badMemory));
    assert.match(badMemory.stderr, /memory/i);

    const noApp = await fnode(['create', 'fn', `nope-${uid()}`, 'hello', 'img:1', ...api]);
    assert.equal(noApp.code, 1, show(noApp));
    assert.match(noApp.stderr, /app nope-\w+ not found: create it with `fnode create app nope-\w+`/);

    const listNoApp = await fnode(['list', 'fns', `nope-${uid()}`, ...api]);
    assert.equal(listNoApp.code, 1, show(listNoApp));
  });

  test('event triggers: create a cron trigger (source as given), list it, inspect its next fire time', async () => {
    const app = `app-${uid()}`;
    await ok(['create', 'app', app]);
    await ok(['create', 'fn', app, 'hello', 'img:1']);
    const t = (
      await ok([
        'create',
        'trigger',
        app,
        'hello',
        'nightly',
        '--type',
        'cron',
        '--source',
        '0 3 * * *',
        '--annotation',
        'fnode.io/cron-tz=Asia/Tokyo',
      ])
    ).json<Entity>();
    assert.equal(t['type'], 'cron');
    assert.equal(t['source'], '0 3 * * *');
    const table = await fnode(['list', 'triggers', app, ...api]);
    assert.match(table.stdout, /nightly\s+\S+\s+cron\s+0 3 \* \* \*/);
    const inspected = (await ok(['inspect', 'trigger', app, 'hello', 'nightly'])).json<Entity>();
    const status = inspected['status'] as Record<string, unknown>;
    assert.match(String(status['next_fire_at']), /T18:00:00\.000Z$/);
    const next = await fnode(['inspect', 'trigger', app, 'hello', 'nightly', 'status.next_fire_at', ...api]);
    assert.match(next.stdout, /T18:00:00\.000Z/);
    const bad = await fnode([
      'create',
      'trigger',
      app,
      'hello',
      'bad',
      '--type',
      'cron',
      '--source',
      'hourly',
      ...api,
    ]);
    assert.equal(bad.code, 1, show(bad));
    assert.match(bad.stderr, /Invalid cron trigger source "hourly"/);
  });

  test('usage errors exit 2: unknown command, bad flag value, missing argument, bad k=v', async () => {
    for (const args of [
      ['list', 'bogus'],
      ['create', 'fn', 'a', 'b', 'img', '--memory', 'lots'],
      ['create', 'app'],
      ['create', 'app', 'x', '--config', 'novalue'],
      ['list', 'apps', '--output', 'yaml'],
      ['create', 'trigger', 'a', 'f', 't', '--type', 'kafka'],
      ['create', 'fn', 'a', 'b'],
      ['invoke', 'a', 'f', '--type', 'later'],
      ['list', 'apps', '--no-such-flag'],
    ]) {
      const r = await fnode([...args, ...api]);
      assert.equal(r.code, 2, `${args.join(' ')}\n${show(r)}`);
      assert.notEqual(r.stderr, '', args.join(' '));
    }
    const help = await fnode(['--help']);
    assert.equal(help.code, 0, show(help));
    assert.match(help.stdout, /deploy/);
  });

  test('server not running: exit 3 with how to start it, for every API command', async () => {
    const dead = 'http://127.0.0.1:9';
    for (const args of [
      ['list', 'apps'],
      ['create', 'app', 'x'],
      ['inspect', 'fn', 'a', 'f'],
      ['list', 'triggers', 'a'],
      ['invoke', 'a', 'f'],
      ['call', 'list', 'a', 'f'],
      ['call', 'logs', 'a', 'f', 'id'],
      ['deploy', '--app', 'a', 'test/fixtures/functions/nothing-here'],
    ]) {
      const r = await fnode(args, { env: { FN_API_URL: dead } });
      if (args[0] === 'deploy') {
        // no func.yaml is found before anything is sent
        assert.equal(r.code, 2, show(r));
        continue;
      }
      assert.equal(r.code, 3, `${args.join(' ')}\n${show(r)}`);
      assert.equal(
        r.stderr,
        `fnode: cannot reach fnode at ${dead}: start it with \`fnode start\` or set FN_API_URL (or --api-url)\n`,
      );
    }
    const bad = await fnode(['list', 'apps', '--api-url', 'localhost:8080']);
    assert.equal(bad.code, 2, show(bad));
  });
});
