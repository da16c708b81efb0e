import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { bumpPatch, readFuncFile, writeVersion } from '../../src/cli/func-file.js';
import { buildCli, fnode, show } from './helpers.js';

describe('fnode init and func.yaml', () => {
  let work: string;
  before(async () => {
    await buildCli();
    work = mkdtempSync(join(tmpdir(), 'fnode-cli-init-'));
  });
  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  const readYaml = (dir: string) =>
    parse(readFileSync(join(dir, 'func.yaml'), 'utf8')) as Record<string, unknown>;

  test("node: func.yaml, func.js and package.json, with Fn's flags", async () => {
    const r = await fnode(
      [
        'init',
        '--runtime',
        'node',
        '-m',
        '256',
        '--timeout',
        '60',
        '-c',
        'FOO=bar',
        '--annotation',
        'a=1',
        'withflags',
      ],
      { cwd: work },
    );
    assert.equal(r.code, 0, show(r));
    assert.match(
      r.stdout,
      /Created function withflags \(runtime node\) in withflags: func\.yaml, func\.js, package\.json/,
    );
    assert.match(r.stdout, /Next: cd withflags && fnode deploy --app <app> --create-app/);
    assert.deepEqual(readYaml(join(work, 'withflags')), {
      schema_version: 20180708,
      name: 'withflags',
      version: '0.0.1',
      runtime: 'node',
      entrypoint: 'node func.js',
      memory: 256,
      timeout: 60,
      config: { FOO: 'bar' },
      annotations: { a: 1 },
    });
  });

  test('no name: the current directory, named after it; --output json', async () => {
    const dir = join(work, 'here-fn');
    mkdirSync(dir);
    const r = await fnode(['init', '--runtime', 'node', '-o', 'json'], { cwd: dir });
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(r.json()['files'], ['func.yaml', 'func.js', 'package.json']);
    assert.equal(readYaml(dir)['name'], 'here-fn');
  });

  test('docker: runtime docker and an example Dockerfile; an existing Dockerfile is kept', async () => {
    const r = await fnode(['init', '--runtime', 'docker', 'dock'], { cwd: work });
    assert.equal(r.code, 0, show(r));
    assert.equal(readYaml(join(work, 'dock'))['runtime'], 'docker');
    assert.match(readFileSync(join(work, 'dock', 'Dockerfile'), 'utf8'), /ENTRYPOINT \["node","func.js"\]/);

    const own = join(work, 'own');
    mkdirSync(own);
    writeFileSync(join(own, 'Dockerfile'), 'FROM scratch\n');
    const r2 = await fnode(['init', '--name', 'own'], { cwd: own });
    assert.equal(r2.code, 0, show(r2));
    assert.equal(readYaml(own)['runtime'], 'docker', 'a Dockerfile means runtime docker');
    assert.equal(readFileSync(join(own, 'Dockerfile'), 'utf8'), 'FROM scratch\n');
  });

  test('usage errors exit 2: existing func.yaml, no or unknown runtime, bad name, bad trigger', async () => {
    const cases: [string[], RegExp][] = [
      [['init', '--runtime', 'node', 'withflags'], /func\.yaml already exists/],
      [['init', 'noruntime'], /pass --runtime node/],
      [['init', '--runtime', 'cobol', 'x'], /runtime "cobol" is not supported/],
      [['init', '--runtime', 'node', 'Bad_Name'], /invalid function name "Bad_Name"/],
      [['init', '--runtime', 'node', '--trigger', 'cron', 'y'], /use --trigger http/],
    ];
    for (const [args, message] of cases) {
      const r = await fnode(args, { cwd: work });
      assert.equal(r.code, 2, `${args.join(' ')}\n${show(r)}`);
      assert.match(r.stderr, message);
    }
  });

  test('func.yml and func.json are read too; bad files say what is wrong', () => {
    const yml = join(work, 'yml');
    mkdirSync(yml);
    writeFileSync(
      join(yml, 'func.yml'),
      'name: yml\nversion: 1.2.3\nconfig:\n  N: 5\ntriggers:\n  - name: t\n    type: http\n    source: t\n',
    );
    const loaded = readFuncFile(yml);
    assert.equal(loaded.func.version, '1.2.3');
    assert.deepEqual(loaded.func.config, { N: '5' });
    assert.deepEqual(loaded.func.triggers, [{ name: 't', type: 'http', source: '/t' }]);

    const json = join(work, 'json');
    mkdirSync(json);
    writeFileSync(join(json, 'func.json'), JSON.stringify({ name: 'js', version: '0.0.9', memory: 64 }));
    const j = readFuncFile(json);
    assert.equal(j.func.memory, 64);
    writeVersion(j, bumpPatch(j.func.version));
    assert.equal(JSON.parse(readFileSync(join(json, 'func.json'), 'utf8')).version, '0.0.10');

    const bad = join(work, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'func.yaml'), 'version: 0.0.1\n');
    assert.throws(() => readFuncFile(bad), /"name" is required/);
    writeFileSync(join(bad, 'func.yaml'), 'name: x\nmemory: lots\n');
    assert.throws(() => readFuncFile(bad), /"memory" must be a whole number/);
    assert.throws(() => bumpPatch('latest'), /pass --no-bump/);
  });

  test('a version bump keeps the rest of func.yaml, comments included', () => {
    const dir = join(work, 'keep');
    mkdirSync(dir);
    const text =
      '# my function\nschema_version: 20180708\nname: keep\nversion: 0.0.1 # bumped by deploy\nrun_image: x\n';
    writeFileSync(join(dir, 'func.yaml'), text);
    const loaded = readFuncFile(dir);
    writeVersion(loaded, '0.0.2');
    assert.equal(readFileSync(join(dir, 'func.yaml'), 'utf8'), text.replace('0.0.1', '0.0.2'));
  });
});
