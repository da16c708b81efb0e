import { createRequire } from 'node:module';
import type * as TypeBox from '@sinclair/typebox';

/**
 * TypeBox's schema builder, from its CommonJS build: Node 20 loads its 200 files as CommonJS in
 * less time and some 2 MiB less memory than as ES modules. The schemas it builds are plain
 * objects marked with registered symbols, so they are the same whichever build made them.
 */
export const { Type } = createRequire(import.meta.url)('@sinclair/typebox') as typeof TypeBox;
