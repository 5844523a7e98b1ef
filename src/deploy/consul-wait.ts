import { EnvironmentError } from '../errors.js';
import { aliveServers, type QuorumFacts } from '../checks/consul-judges.js';
import { observeQuorum } from '../probes/consul.js';
import type { DockerClient } from '../runtime/docker.js';
import type { HttpClient } from '../runtime/http.js';

/**
 * Waits, within a deadline, until a leader is elected and every Consul server is a member; reports
 * progress as it goes. On timeout it names the missing servers and what their logs end with.
 */
export async function waitForQuorum(
  docker: DockerClient,
  http: HttpClient,
  count: number,
  onProgress: (view: QuorumFacts, elapsedMs: number) => void = () => undefined,
  // Seconds on a laptop; a slow machine (an emulated VM is 15x slower) needs minutes. Progress shows meanwhile.
  deadlineMs = 180_000,
): Promise<number> {
  const started = Date.now();
  let view: QuorumFacts | undefined;
  while (Date.now() - started < deadlineMs) {
    view = await observeQuorum(docker, http, count);
    onProgress(view, Date.now() - started);
    if (view.leader !== '' && aliveServers(view).length === count) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const alive = view ? aliveServers(view) : [];
  const missing = (view?.expectedServers ?? []).filter((name) => !alive.includes(name));
  const logs = await Promise.all(missing.map(async (name) => `${name}: ${(await docker.logs(name, 3)).join(' | ') || '(no log)'}`));
  throw new EnvironmentError(
    `Consul did not settle within ${deadlineMs / 1000} s: ${view?.leader ? 'a leader is elected' : 'no leader'}; missing ${missing.join(', ') || 'none'}.\n${logs.join('\n')}`,
    `\`docker logs ${missing[0] ?? 'simple_consul_1'}\` shows why; \`lab deploy -c\` again starts them afresh.`,
  );
}
