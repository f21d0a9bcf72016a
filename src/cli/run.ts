import { processIo } from '../output/io.js';
import { ExitCode } from '../errors.js';
import { main } from './main.js';

/**
 * The binary's entry: wires the process (argv, streams, SIGINT) to main().
 * First Ctrl-C: while writing, stop starting requests and let main finish the summary and the
 * journal (exit 130); otherwise nothing was changed, so stop now. A second Ctrl-C stops at once.
 */
export async function run(): Promise<void> {
  const interrupt = new AbortController();
  const writePhase = { active: false };
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted || !writePhase.active) {
      process.stderr.write('\ninterrupted\n');
      process.exit(ExitCode.Interrupted);
    }
    process.stderr.write('\nInterrupted: finishing the requests under way (Ctrl-C again to stop at once)...\n');
    interrupt.abort();
  });
  process.exitCode = await main(process.argv.slice(2), processIo(interrupt.signal, writePhase));
}
