// Loaded with `node --import` into each benchmarked CLI process: on exit, writes the
// process's peak resident memory (kB) to the file named by BENCH_RUSAGE_FILE.
import fs from 'node:fs';

const target = process.env.BENCH_RUSAGE_FILE;
if (target) {
  process.on('exit', () => {
    fs.writeFileSync(target, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  });
}
