import { Chalk, type ChalkInstance, chalkStderr, default as defaultChalk } from 'chalk';
import type { EnvSettings } from '../config/env.js';
import type { TextOut } from './io.js';

/**
 * The colour level for one stream, decided here rather than by chalk's own detection, which
 * looks at process.stdout even when we write elsewhere (tests) and reads argv for --no-color:
 * --no-color and NO_COLOR turn it off, FORCE_COLOR forces it, otherwise colour only on a TTY.
 */
export function colorFor(
  stream: TextOut,
  env: EnvSettings,
  noColorFlag: boolean,
  which: 'stdout' | 'stderr',
): ChalkInstance {
  let level: 0 | 1 | 2 | 3;
  if (noColorFlag || env.noColor) level = 0;
  else if (env.forceColor !== undefined) level = env.forceColor;
  else if (stream.isTTY === true) level = (which === 'stdout' ? defaultChalk : chalkStderr).level;
  else level = 0;
  return new Chalk({ level });
}
