import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { dockerAvailable, eventually, http, startTestFnode, type TestFnode } from '../helpers/fnode.js';
import { buildCli, fnode, HELLO_NODE_MODULES, show } from './helpers.js';

const BASE = 'fnode/node-base:20';
const docker = dockerAvailable();
const skip = docker ? false : 'Docker is not reachable (set CI=true to make this a failure)';
const uid = () => randomUUID().slice(0, 8);

function imageExists(image: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('fnode init -> build -> deploy -> invoke -> calls, on a real fnode and Docker', { skip }, () => {
  let server: TestFnode;
  let api: string[];
  let work: string;
  /** Function names whose images (every build, tagged or not) are removed at the end. */
  const images = new Set<string>();

  before(async () => {
    await buildCli();
    server = await startTestFnode();
    api = ['--api-url', server.url];
    work = mkdtempSync(join(tmpdir(), 'fnode-cli-'));
  });
  after(async () => {
    await server?.stop();
    for (const name of images) {
      const ids = execFileSync('docker', ['images', '-q', '--filter', `label=fnode.fn.name=${name}`], {
        encoding: 'utf8',
      });
      for (const id of new Set(ids.split('\n').filter(Boolean)))
        try {
          execFileSync('docker', ['rmi', '-f', id], { stdio: 'ignore' });
        } catch {
          // already gone
        }
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** `fnode init --runtime node --trigger http <name>` with the fixture's node_modules (no npm registry). */
  async function initHello(name: string): Promise<string> {
    const r = await fnode(['init', '--runtime', 'node', '--trigger', 'http', name], { cwd: work });
    assert.equal(r.code, 0, show(r));
    const dir = join(work, name);
    cpSync(HELLO_NODE_MODULES, join(dir, 'node_modules'), { recursive: true });
    return dir;
  }

  test('the whole flow', async () => {
    const name = `clihello-${uid()}`;
    const app = `cliapp-${uid()}`;
    const dir = await initHello(name);
    const func = parse(readFileSync(join(dir, 'func.yaml'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(func, {
      schema_version: 20180708,
      name,
      version: '0.0.1',
      runtime: 'node',
      entrypoint: 'node func.js',
      triggers: [{ name, type: 'http', source: `/${name}` }],
    });
    assert.match(readFileSync(join(dir, 'func.js'), 'utf8'), /require\('@fnproject\/fdk'\)/);
    assert.ok(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies['@fnproject/fdk']);

    // build: <name>:<version>, progress on stderr, the result on stdout
    images.add(name);
    const built = await fnode(['build', '--base-image', BASE], { cwd: dir });
    assert.equal(built.code, 0, show(built));
    assert.equal(built.stdout, `Function ${name}:0.0.1 built successfully.\n`);
    assert.match(built.stderr, /Building image .* on fnode\/node-base:20/);
    assert.match(built.stderr, /Step \d+\/\d+ : FROM fnode\/node-base:20/);
    assert.ok(imageExists(`${name}:0.0.1`));
    assert.ok(!existsSync(join(dir, '.fnode-build.Dockerfile')), 'the generated Dockerfile is removed');

    // deploy: bump, build, create app, fn and trigger, print the endpoints
    const deployed = await fnode(['deploy', '--app', app, '--create-app', '--base-image', BASE, ...api], {
      cwd: dir,
    });
    assert.equal(deployed.code, 0, show(deployed));
    assert.match(
      deployed.stdout,
      new RegExp(`Function ${name} deployed to app ${app} with image ${name}:0\\.0\\.2`),
    );
    assert.match(deployed.stdout, new RegExp(`Invoke endpoint: ${server.url}/invoke/\\w+\\n`));
    assert.match(deployed.stdout, new RegExp(`Trigger ${name} endpoint: ${server.url}/t/${app}/${name}\\n`));
    assert.match(deployed.stderr, /Bumped to version 0\.0\.2/);
    assert.match(deployed.stderr, /Created app/);
    assert.equal(
      (parse(readFileSync(join(dir, 'func.yaml'), 'utf8')) as { version: string }).version,
      '0.0.2',
    );

    // invoke: stdin is the body, the response goes to stdout
    const out = await fnode(['invoke', app, name, '--content-type', 'application/json', ...api], {
      input: '{"name":"cli"}',
    });
    assert.equal(out.code, 0, show(out));
    assert.deepEqual(JSON.parse(out.stdout), { message: 'Hello cli' });

    const withId = await fnode(['invoke', app, name, '--display-call-id', ...api]);
    assert.equal(withId.code, 0, show(withId));
    const m = /^Call ID: (\w+)\n(.*)$/s.exec(withId.stdout);
    assert.ok(m, show(withId));
    const callId = m[1] ?? '';
    assert.deepEqual(JSON.parse(m[2] ?? ''), { message: 'Hello World' });

    // the trigger works too
    const viaTrigger = await http(server.url, 'GET', `/t/${app}/${name}`);
    assert.equal(viaTrigger.status, 200);

    // calls: list, get, logs. Call records are written after the answer (batched, off the hot
    // path), so the three calls show up shortly after.
    const listed = await eventually(async () => {
      const calls = await fnode(['call', 'list', app, name, '--output', 'json', ...api]);
      assert.equal(calls.code, 0, show(calls));
      const items = calls.json<{ id: string; status: string }[]>();
      return items.length >= 3 ? items : undefined;
    }, 10_000);
    assert.equal(listed.find((c) => c.id === callId)?.status, 'success');
    const table = await fnode(['call', 'list', app, name, ...api]);
    assert.match(table.stdout, /^ID\s+STATUS\s+CREATED\s+STARTED\s+COMPLETED\s+ERROR\n/);
    assert.match(table.stdout, new RegExp(`${callId}\\s+success`));

    const got = await fnode(['call', 'get', app, name, callId, '-o', 'json', ...api]);
    assert.equal(got.code, 0, show(got));
    assert.equal(got.json()['id'], callId);
    assert.equal(got.json()['status'], 'success');
    const gotTable = await fnode(['call', 'get', app, name, callId, ...api]);
    assert.match(gotTable.stdout, new RegExp(`^id:\\s+${callId}$`, 'm'));

    const logs = await eventually(async () => {
      const r = await fnode(['call', 'logs', app, name, callId, ...api]);
      return r.code === 0 ? r : undefined;
    }, 10_000);
    assert.match(logs.stdout, /Inside Node Hello World function/);

    const missingCall = await fnode(['call', 'logs', app, name, 'nosuchcall', ...api]);
    assert.equal(missingCall.code, 1, show(missingCall));

    // async and detached answer a call id; the async call then runs
    const queued = await fnode(['invoke', app, name, '--type', 'async', ...api], {
      input: '{"name":"later"}',
    });
    assert.equal(queued.code, 0, show(queued));
    const asyncId = /^Call ID: (\w+)\n$/.exec(queued.stdout)?.[1];
    assert.ok(asyncId, show(queued));
    await eventually(async () => {
      const r = await fnode(['call', 'get', app, name, asyncId, '-o', 'json', ...api]);
      return r.code === 0 && r.json()['status'] === 'success' ? true : undefined;
    }, 30_000);
    const detached = await fnode(['invoke', app, name, '--type', 'detached', ...api]);
    assert.equal(detached.code, 0, show(detached));
    assert.match(detached.stdout, /^Call ID: \w+\n$/);

    // a second deploy updates the fn and trigger in place
    const again = await fnode(['deploy', '--app', app, '--base-image', BASE, '-o', 'json', ...api], {
      cwd: dir,
    });
    assert.equal(again.code, 0, show(again));
    const result = again.json<{ fn: { image: string }; triggers: unknown[] }>();
    assert.equal(result.fn.image, `${name}:0.0.3`);
    assert.equal(result.triggers.length, 1);
    assert.match(again.stderr, /Updated function/);
    assert.match(again.stderr, /Updated trigger/);
    const fns = await fnode(['list', 'fns', app, '-o', 'json', ...api]);
    assert.equal(fns.json<unknown[]>().length, 1);

    // --no-bump keeps the version
    const noBump = await fnode(['deploy', '--app', app, '--no-bump', '--base-image', BASE, ...api], {
      cwd: dir,
    });
    assert.equal(noBump.code, 0, show(noBump));
    assert.equal(
      (parse(readFileSync(join(dir, 'func.yaml'), 'utf8')) as { version: string }).version,
      '0.0.3',
    );
  });

  test('deploy to a missing app without --create-app: exit 1 with the hint, nothing built or bumped', async () => {
    const name = `clinoapp-${uid()}`;
    images.add(name);
    const dir = await initHello(name);
    const r = await fnode(['deploy', '--app', `missing-${name}`, '--base-image', BASE, ...api], { cwd: dir });
    assert.equal(r.code, 1, show(r));
    assert.equal(
      r.stderr,
      `fnode: app missing-${name} not found: create it with \`fnode create app missing-${name}\` or pass --create-app\n`,
    );
    assert.ok(!imageExists(`${name}:0.0.2`));
    assert.match(readFileSync(join(dir, 'func.yaml'), 'utf8'), /version: 0\.0\.1/);
  });

  test('a function that fails: invoke exits 1 with the server message', async () => {
    const app = `cliapp-${uid()}`;
    const created = await fnode(['create', 'app', app, ...api]);
    assert.equal(created.code, 0, show(created));
    const fn = await fnode(['create', 'fn', app, 'ghost', `fnode-test/no-such-image-${uid()}:1`, ...api]);
    assert.equal(fn.code, 0, show(fn));
    const r = await fnode(['invoke', app, 'ghost', ...api]);
    assert.equal(r.code, 1, show(r));
    assert.match(r.stderr, /^(Call ID: \w+\n)?fnode: .+\(HTTP \d{3}\)\n$/);
    assert.equal(r.stdout, '');
    const missingFn = await fnode(['invoke', app, 'nope', ...api]);
    assert.equal(missingFn.code, 1, show(missingFn));
    assert.match(missingFn.stderr, /function nope not found in app/);
  });

  test('build errors: no func.yaml, missing base image, Docker unreachable, a failing Dockerfile', async () => {
    const empty = mkdtempSync(join(work, 'empty-'));
    const none = await fnode(['build'], { cwd: empty });
    assert.equal(none.code, 2, show(none));
    assert.match(none.stderr, /no func\.yaml in .*: run `fnode init --runtime node <name>`/);

    const name = `clibuild-${uid()}`;
    const dir = await initHello(name);
    const noBase = await fnode(['build', '--base-image', `fnode/no-such-base-${uid()}:1`], { cwd: dir });
    assert.equal(noBase.code, 1, show(noBase));
    assert.match(noBase.stderr, /is not in the local Docker .*scripts\/build-base-image\.sh.*--base-image/);

    const noDocker = await fnode(['build', '--base-image', BASE], {
      cwd: dir,
      env: { DOCKER_HOST: `unix://${join(work, 'no-docker.sock')}` },
    });
    assert.equal(noDocker.code, 3, show(noDocker));
    assert.match(
      noDocker.stderr,
      /cannot reach Docker at unix:\/\/.*no-docker\.sock .*start the Docker Engine or set DOCKER_HOST/,
    );

    const own = `clidocker-${uid()}`;
    const init = await fnode(['init', '--runtime', 'docker', own], { cwd: work });
    assert.equal(init.code, 0, show(init));
    writeFileSync(join(work, own, 'Dockerfile'), `FROM ${BASE}\nCOPY no-such-file /function/\n`);
    images.add(own);
    const failed = await fnode(['build'], { cwd: join(work, own) });
    assert.equal(failed.code, 1, show(failed));
    assert.match(failed.stderr, /docker build failed: .*no-such-file/);
  });

  test('build installs node_modules with npm first when package.json has dependencies', async () => {
    const name = `clinpm-${uid()}`;
    const init = await fnode(['init', '--runtime', 'node', name], { cwd: work });
    assert.equal(init.code, 0, show(init));
    const dir = join(work, name);
    // a local file: dependency, so that npm needs no registry
    mkdirSync(join(work, `${name}-dep`));
    writeFileSync(join(work, `${name}-dep`, 'package.json'), '{"name":"local-dep","version":"1.0.0"}');
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name, version: '1.0.0', dependencies: { 'local-dep': `file:../${name}-dep` } }),
    );
    images.add(name);
    const built = await fnode(['build', '--base-image', BASE], { cwd: dir });
    assert.equal(built.code, 0, show(built));
    assert.match(built.stderr, /Installing dependencies: npm install --omit=dev/);
    assert.ok(existsSync(join(dir, 'node_modules', 'local-dep')));

    rmSync(join(dir, 'node_modules'), { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name, version: '1.0.0', dependencies: { 'local-dep': '^^^not valid' } }),
    );
    const failed = await fnode(['build', '--base-image', BASE], { cwd: dir });
    assert.equal(failed.code, 1, show(failed));
    assert.match(failed.stderr, /npm install failed in .* \(exit \d+\): fix it, then build again/);
  });

  test('a first deploy on a Docker without the base image builds it, with progress, then deploys', async () => {
    const name = `clifresh-${uid()}`;
    const app = `cliapp-${uid()}`;
    // A base image tag no Docker here has: as on a fresh machine.
    const base = `fnode-test/base-fresh:${uid()}`;
    const dir = await initHello(name);
    images.add(name);
    try {
      const deployed = await fnode(['deploy', '--app', app, '--create-app', ...api], {
        cwd: dir,
        env: { FNODE_BASE_IMAGE: base },
      });
      assert.equal(deployed.code, 0, show(deployed));
      assert.match(deployed.stderr, new RegExp(`Base image ${base} is missing: building it`));
      assert.match(deployed.stderr, /\[base-image\] building/);
      assert.ok(imageExists(base));
      const out = await fnode(['invoke', app, name, ...api], { input: '{"name":"fresh"}' });
      assert.equal(out.code, 0, show(out));
      assert.deepEqual(JSON.parse(out.stdout), { message: 'Hello fresh' });
    } finally {
      try {
        execFileSync('docker', ['rmi', '-f', base], { stdio: 'ignore' });
      } catch {
        // removed with the function images, or never built
      }
    }
  });

  test('runtime docker: init writes an example Dockerfile that builds and deploys', async () => {
    const name = `clidockerok-${uid()}`;
    const app = `cliapp-${uid()}`;
    const init = await fnode(['init', '--runtime', 'docker', '--base-image', BASE, name], { cwd: work });
    assert.equal(init.code, 0, show(init));
    const dir = join(work, name);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /^FROM fnode\/node-base:20\n/);
    cpSync(HELLO_NODE_MODULES, join(dir, 'node_modules'), { recursive: true });
    images.add(name);
    const deployed = await fnode(['deploy', '--app', app, '--create-app', ...api], { cwd: dir });
    assert.equal(deployed.code, 0, show(deployed));
    const out = await fnode(['invoke', app, name, ...api], { input: '{"name":"docker"}' });
    assert.equal(out.code, 0, show(out));
    assert.deepEqual(JSON.parse(out.stdout), { message: 'Hello docker' });
  });
});
