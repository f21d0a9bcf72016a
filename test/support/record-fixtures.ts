/**
 * npm run fixtures:record [-- --update]
 *
 * Records every committed scenario (scenarios.ts) again against the fake EcoTaxa and compares
 * the result with fixtures/. Without --update it only reports differences and exits 1 when
 * there are any, so that a change in what the tool sends is seen, and reviewed, before the
 * fixtures are replaced.
 */
import './define-version.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { normaliseOrigin, recordScenario, SCENARIOS } from './scenarios.js';

const update = process.argv.includes('--update');
const fixturesRoot = path.resolve(import.meta.dirname, '..', '..', 'fixtures');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ecotaxa-access-fixtures-'));

function firstDifference(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i])
      return `line ${i + 1}:\n  committed: ${left[i] ?? '(end of file)'}\n  recorded:  ${right[i] ?? '(end of file)'}`;
  }
  return '';
}

let changed = 0;
try {
  for (const scenario of SCENARIOS) {
    const run = await recordScenario(scenario, scratch);
    normaliseOrigin(run);
    const relative = path.join(scenario.dir, `${scenario.name}.json`);
    const committedPath = path.join(fixturesRoot, relative);
    const recorded = fs.readFileSync(run.file, 'utf8');
    const committed = fs.existsSync(committedPath) ? fs.readFileSync(committedPath, 'utf8') : undefined;
    if (committed === recorded) {
      process.stdout.write(`unchanged  fixtures/${relative}\n`);
      continue;
    }
    changed++;
    if (update) {
      fs.mkdirSync(path.dirname(committedPath), { recursive: true });
      fs.writeFileSync(committedPath, recorded);
      process.stdout.write(`${committed === undefined ? 'created' : 'updated'}    fixtures/${relative}\n`);
    } else {
      process.stdout.write(
        `differs    fixtures/${relative}\n${committed === undefined ? '  (not committed yet)' : firstDifference(committed, recorded)}\n`,
      );
    }
  }
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
if (changed > 0 && !update) {
  process.stderr.write(
    `\n${changed} recording(s) differ from fixtures/: review the change, then run \`npm run fixtures:record -- --update\`\n`,
  );
  process.exitCode = 1;
}
