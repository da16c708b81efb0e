import { type Command, InvalidArgumentError, Option } from 'commander';

/** Splits `k=v` at the first `=`; an empty value is kept (on update Fn deletes the key). */
function splitPair(raw: string, flag: string): [string, string] {
  const i = raw.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`${flag} takes key=value, got "${raw}"`);
  return [raw.slice(0, i), raw.slice(i + 1)];
}

/** `--config k=v`, repeatable. */
export function collectConfig(raw: string, prev: Record<string, string> = {}): Record<string, string> {
  const [k, v] = splitPair(raw, '--config');
  return { ...prev, [k]: v };
}

/** `--annotation k=v`, repeatable: the value as JSON when it parses, else as a string (like Fn). */
export function collectAnnotation(raw: string, prev: Record<string, unknown> = {}): Record<string, unknown> {
  const [k, v] = splitPair(raw, '--annotation');
  let value: unknown = v;
  try {
    value = JSON.parse(v);
  } catch {
    // a plain string
  }
  return { ...prev, [k]: value };
}

/** `--build-arg k=v`, repeatable. */
export function collectBuildArg(raw: string, prev: Record<string, string> = {}): Record<string, string> {
  const [k, v] = splitPair(raw, '--build-arg');
  return { ...prev, [k]: v };
}

export function wholeNumber(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new InvalidArgumentError('expected a whole number');
  return Number(raw);
}

/** Fn's `--memory`, `--timeout` and `--idle-timeout` of `create|update fn` and `init`. */
export function addFnLimitOptions(cmd: Command): Command {
  return cmd
    .option('-m, --memory <mb>', 'memory in MB', wholeNumber)
    .option('--timeout <secs>', 'call timeout in seconds', wholeNumber)
    .option('--idle-timeout <secs>', 'seconds a hot container waits for the next call', wholeNumber);
}

export function addConfigOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <key=value>', 'configuration (environment) variable; repeatable', collectConfig)
    .option('--annotation <key=value>', 'annotation, value JSON if it parses; repeatable', collectAnnotation);
}

/** Fn's `-n` and `--cursor` of the list commands. */
export function addPagingOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-n, --number <n>', 'number of items to list').argParser(wholeNumber).default(100))
    .option('--cursor <cursor>', 'start from this page cursor');
}

export interface PagingOptions {
  number: number;
  cursor?: string;
}

export interface ConfigOptions {
  config?: Record<string, string>;
  annotation?: Record<string, unknown>;
}

export interface FnLimitOptions {
  memory?: number;
  timeout?: number;
  idleTimeout?: number;
}
