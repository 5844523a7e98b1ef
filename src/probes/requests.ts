/** Requests the checks make: through a port the lab publishes on 127.0.0.1, or from inside the lab network. */
import type { DockerClient } from '../runtime/docker.js';
import type { HttpClient } from '../runtime/http.js';

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

/** One request through a load balancer: the server that answered, or why none did. */
export type Served = { server: string } | { error: string };

/** K requests, one after another, through 127.0.0.1:port: the order matters for round-robin. */
export async function sendRequests(http: HttpClient, port: number, count: number): Promise<Served[]> {
  const answers = await http.sequence(Array.from({ length: count }, () => `http://127.0.0.1:${port}/health`), { timeoutMs: 3_000 });
  return answers.map((answer) => (!answer.ok ? { error: answer.error } : answer.status !== 200 ? { error: `status ${answer.status}` } : { server: answer.headers['x-served-by'] ?? '?' }));
}
