#!/usr/bin/env node
import { existsSync } from 'node:fs';

// `lab --version` answers before anything else loads: a bare node start and one small file.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${(await import('./version.js')).labVersion()}\n`);
} else {
  // The build bundles the lab into one script, dist/app/lab.cjs (scripts/build.js), run with V8's
  // code cache (src/cli/script-bundle.ts). Without it (a build that could not make it) the modules
  // run as compiled, slower to start.
  const bundle = new URL('../app/lab.cjs', import.meta.url);
  const lab = existsSync(bundle) ? (await import('./script-bundle.js')).loadBundle(bundle, args) : await import('./lab.js');
  await lab.runLab(process.argv);
}
