import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { usageError } from './exit-codes.js';

/** Fn's func.yaml schema version. */
export const SCHEMA_VERSION = 20180708;

/** Names tried in order, as Fn's CLI does. */
export const FUNC_FILE_NAMES = ['func.yaml', 'func.yml', 'func.json'] as const;

export interface FuncTrigger {
  name: string;
  type: string;
  source: string;
}

/** func.yaml (schema_version 20180708); keys fnode does not use are kept when the file is rewritten. */
export interface FuncFile {
  schema_version: number;
  name: string;
  version: string;
  runtime?: string;
  build_image?: string;
  run_image?: string;
  entrypoint?: string;
  cmd?: string;
  memory?: number;
  timeout?: number;
  idle_timeout?: number;
  config?: Record<string, string>;
  annotations?: Record<string, unknown>;
  triggers?: FuncTrigger[];
}

export interface LoadedFuncFile {
  path: string;
  dir: string;
  func: FuncFile;
}

/** The func file of `dir`, or a usage error that says how to make one. */
export function readFuncFile(dir: string): LoadedFuncFile {
  const name = FUNC_FILE_NAMES.find((n) => existsSync(join(dir, n)));
  if (!name)
    throw usageError(
      `no func.yaml in ${dir}: run \`fnode init --runtime node <name>\` to create a function, or cd into one`,
    );
  const path = join(dir, name);
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = name.endsWith('.json') ? JSON.parse(text) : parseDocument(text).toJS();
  } catch (e) {
    throw usageError(`cannot parse ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { path, dir, func: validateFuncFile(raw, path) };
}

export function validateFuncFile(raw: unknown, path: string): FuncFile {
  const bad = (why: string) => usageError(`${path}: ${why}`);
  if (!isObject(raw)) throw bad('expected a mapping of keys (name, version, runtime, ...)');
  const name = raw['name'];
  if (typeof name !== 'string' || name === '') throw bad('"name" is required');
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name))
    throw bad(`name "${name}" must be lowercase letters, digits, ".", "_" or "-" (it is the image name)`);
  const version = raw['version'] === undefined ? '0.0.1' : String(raw['version']);
  const func: FuncFile = { schema_version: SCHEMA_VERSION, name, version };
  for (const key of ['runtime', 'build_image', 'run_image', 'entrypoint', 'cmd'] as const) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw bad(`"${key}" must be a string`);
    func[key] = v;
  }
  for (const key of ['memory', 'timeout', 'idle_timeout'] as const) {
    const v = raw[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bad(`"${key}" must be a whole number`);
    func[key] = v;
  }
  if (raw['config'] !== undefined && raw['config'] !== null) {
    const config = raw['config'];
    if (!isObject(config)) throw bad('"config" must be a mapping of names to values');
    func.config = Object.fromEntries(
      Object.entries(config).map(([k, v]) => [k, v === null ? '' : String(v)]),
    );
  }
  if (raw['annotations'] !== undefined && raw['annotations'] !== null) {
    if (!isObject(raw['annotations'])) throw bad('"annotations" must be a mapping');
    func.annotations = raw['annotations'];
  }
  if (raw['triggers'] !== undefined && raw['triggers'] !== null) {
    const triggers = raw['triggers'];
    if (!Array.isArray(triggers)) throw bad('"triggers" must be a list of {name, type, source}');
    func.triggers = triggers.map((t: unknown, i) => {
      if (!isObject(t) || typeof t['name'] !== 'string' || t['name'] === '')
        throw bad(`triggers[${i}] needs a name`);
      const type = t['type'] === undefined ? 'http' : String(t['type']);
      const source = t['source'] === undefined ? `/${t['name']}` : String(t['source']);
      return { name: t['name'], type, source: source.startsWith('/') ? source : `/${source}` };
    });
  }
  return func;
}

/** func.yaml text for a new function, keys in Fn's order. */
export function funcFileYaml(func: FuncFile): string {
  return stringify(func);
}

/** Rewrites only `version`, keeping the file's other keys, order and comments. */
export function writeVersion(loaded: LoadedFuncFile, version: string): void {
  const text = readFileSync(loaded.path, 'utf8');
  if (loaded.path.endsWith('.json')) {
    const raw = JSON.parse(text) as Record<string, unknown>;
    writeFileSync(loaded.path, `${JSON.stringify({ ...raw, version }, null, 2)}\n`);
  } else {
    const doc = parseDocument(text);
    doc.set('version', version);
    writeFileSync(loaded.path, doc.toString());
  }
  loaded.func.version = version;
}

/** `0.0.1` -> `0.0.2`; Fn's deploy bump. */
export function bumpPatch(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)(.*)$/.exec(version);
  if (!m) throw usageError(`cannot bump version "${version}": use major.minor.patch, or pass --no-bump`);
  return `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}

export function imageName(func: Pick<FuncFile, 'name' | 'version'>): string {
  return `${func.name}:${func.version}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
