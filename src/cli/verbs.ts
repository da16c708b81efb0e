import type { Command } from 'commander';
import { usageError } from './exit-codes.js';
import { printJson, println } from './output.js';

/** Fn's object commands: `fnode <verb> <object> ...`. */
export interface Verbs {
  list: Command;
  create: Command;
  update: Command;
  delete: Command;
  inspect: Command;
}

export function registerVerbs(program: Command): Verbs {
  return {
    list: program.command('list').alias('ls').description('list apps, functions or triggers'),
    create: program.command('create').alias('c').description('create an app, function or trigger'),
    update: program.command('update').alias('u').description('update an app, function or trigger'),
    delete: program.command('delete').alias('d').description('delete an app, function or trigger'),
    inspect: program
      .command('inspect')
      .alias('i')
      .description('show an app, function or trigger as JSON (or one of its properties)'),
  };
}

/** `fnode inspect ... [property]`: the whole entity, or one (dotted) property of it, as JSON. */
export function printInspect(entity: object, property: string | undefined): void {
  if (!property) {
    printJson(entity);
    return;
  }
  let value: unknown = entity;
  for (const key of property.split('.')) {
    if (typeof value !== 'object' || value === null || !(key in value))
      throw usageError(`no property "${property}"; it has: ${Object.keys(entity).join(', ')}`);
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string') println(value);
  else printJson(value);
}
