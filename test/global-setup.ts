import { execFileSync } from 'node:child_process';

/**
 * End-to-end tests need the lab's images. `.ci/run` builds them first; when someone runs `npm test`
 * on their own, the lab builds what is missing (offline, from Debian's archive) so the suite stands alone.
 */
export default function globalSetup(): void {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
  } catch {
    process.stderr.write('\nNo Docker engine answers: end-to-end tests will fail. Start dockerd, then run `lab doctor`.\n');
    return;
  }
  execFileSync(process.execPath, ['dist/cli/main.js', 'images', 'build', '--offline', '--missing'], { stdio: 'inherit' });
}
