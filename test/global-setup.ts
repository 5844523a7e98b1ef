import { execFileSync } from 'node:child_process';

/**
 * End-to-end tests need the lab's images. `.ci/run` builds them first; when someone runs `npm test`
 * on their own, build any that are missing (offline, from Debian's archive) so the suite stands alone.
 */
export default function globalSetup(): void {
  const images = ['debian:bookworm-slim', 'dockerlab/registry', 'localhost:5000/simple-server', 'localhost:5000/simple-haproxy', 'localhost:5000/simple-consul', 'localhost:5000/simple-haproxy-consul', 'dockerlab/host'];
  let missing: string[];
  try {
    missing = images.filter((image) => !imageExists(image));
  } catch {
    process.stderr.write('\nNo Docker engine answers: end-to-end tests will fail. Start dockerd, then run `lab doctor`.\n');
    return;
  }
  if (missing.length === 0) return;
  process.stderr.write(`\nBuilding missing lab images (${missing.join(', ')}) with \`lab images build --offline\`…\n`);
  execFileSync(process.execPath, ['dist/cli/main.js', 'images', 'build', '--offline'], { stdio: 'inherit' });
}

function imageExists(image: string): boolean {
  execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
