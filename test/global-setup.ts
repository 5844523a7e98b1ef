import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * End-to-end tests need the lab's images. `.ci/run` builds them first; when someone runs `npm test`
 * on their own, the lab builds what is missing (offline, from Debian's archive) so the suite stands alone.
 */
export default function globalSetup(): void {
  // Every temporary file of the run (state dirs, bundles, lesson fixtures, the lab's own) goes in one
  // directory that global-teardown removes: os.tmpdir() reads TMPDIR, and the lab inherits it.
  process.env.LAB_TEST_TMPDIR = mkdtempSync(join(tmpdir(), 'lab-tests-'));
  process.env.TMPDIR = process.env.LAB_TEST_TMPDIR;
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    process.stderr.write('\nNo Docker engine answers: end-to-end tests will fail. Start dockerd, then run `lab doctor`.\n');
    return;
  }
  execFileSync(process.execPath, ['dist/cli/main.js', 'images', 'build', '--offline', '--missing'], { stdio: 'inherit' });
}
