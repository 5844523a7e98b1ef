import type { DockerClient } from '../runtime/docker.js';

/**
 * Asks each URL from inside the lab network: a short Python script run with `docker exec` in one of the
 * lab's own running containers. No traffic goes from the host to container addresses.
 */
const PROBE = `
import json, sys, urllib.request
out = {}
for url in sys.argv[1:]:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            out[url] = {"status": r.status, "body": r.read(2000).decode("utf-8", "replace")}
    except Exception as e:
        out[url] = {"error": str(e)}
print(json.dumps(out))
`;

export type ProbeAnswer = { status: number; body: string } | { error: string };

export async function probeFromInside(docker: DockerClient, via: string, urls: string[]): Promise<Record<string, ProbeAnswer>> {
  if (urls.length === 0) return {};
  const { exitCode, stdout, stderr } = await docker.exec(via, ['python3', '-c', PROBE, ...urls], 10_000 + urls.length * 2_500);
  if (exitCode !== 0) throw new Error(`the probe in ${via} failed: ${stderr.trim().split('\n').at(-1) ?? exitCode}`);
  return JSON.parse(stdout) as Record<string, ProbeAnswer>;
}
