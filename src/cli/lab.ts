import { labVersion } from './version.js';

/** The lab's command line: src/cli/main.ts starts it, from the bundle when the build made one. */

// `lab --version` answers before anything else loads (a bare node start and one small file); every
// other command builds the program, which loads only what that command needs (src/cli/program.ts).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${labVersion()}\n`);
} else {
  await (await import('./program.js')).runProgram(process.argv);
}
