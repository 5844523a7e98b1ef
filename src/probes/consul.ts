/**
 * What Consul says, asked through the servers' HTTP APIs published on 127.0.0.1 (8501…), with the
 * engine's word on which of its containers run: for the checks, `lab deploy`'s wait and the live panel.
 */
import { byIndex } from '../deploy/plan.js';
import { parseHealthService, parseLeader, parseMembers, passingInstances, type CatalogFacts, type QuorumFacts } from '../checks/consul-judges.js';
import { consulServerNames, consulUiPort, SERVICE_NAME } from '../runtime/consul-specs.js';
import type { DockerClient } from '../runtime/docker.js';
import type { HttpClient } from '../runtime/http.js';
import { LABEL_ROLE, ROLE_CONSUL } from '../runtime/names.js';
import { runningServers } from './servers.js';

/** Asks the Consul servers' published HTTP APIs (127.0.0.1:8501…) in turn; the first good answer wins. */
export async function askConsul(http: HttpClient, count: number, path: string): Promise<{ body?: unknown; errors: Record<string, string> }> {
  const errors: Record<string, string> = {};
  for (const [i, name] of consulServerNames(count).entries()) {
    const answer = await http.request(`http://127.0.0.1:${consulUiPort(i + 1)}${path}`, { timeoutMs: 3_000 });
    if (answer.ok && answer.status === 200) return { body: JSON.parse(answer.body) as unknown, errors };
    errors[name] = answer.ok ? `${answer.status} ${answer.body.trim().slice(0, 80)}` : answer.error;
  }
  return { errors };
}

/** Consul's view of its quorum, and which server containers the engine runs (Consul's view lags a stop). */
export async function observeQuorum(docker: DockerClient, http: HttpClient, count: number): Promise<QuorumFacts> {
  const expectedServers = consulServerNames(count);
  const leader = await askConsul(http, count, '/v1/status/leader');
  const members = await askConsul(http, count, '/v1/agent/members');
  const containers = await docker.listContainers([`${LABEL_ROLE}=${ROLE_CONSUL}`]);
  return {
    expectedServers,
    leader: leader.body === undefined ? '' : parseLeader(leader.body),
    members: members.body === undefined ? [] : parseMembers(members.body),
    errors: { ...leader.errors, ...members.errors },
    running: containers.filter((c) => c.running).map((c) => c.name).sort(byIndex),
  };
}

export async function observeCatalog(docker: DockerClient, http: HttpClient, count: number): Promise<CatalogFacts> {
  const running = await runningServers(docker);
  const health = await askConsul(http, count, `/v1/health/service/${SERVICE_NAME}`);
  if (health.body === undefined) return { running, passing: [], error: Object.values(health.errors)[0] ?? 'no Consul server answers' };
  const entries = parseHealthService(health.body);
  return { running, passing: passingInstances(entries), health: entries };
}
