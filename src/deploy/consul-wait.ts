import { EnvironmentError } from '../errors.js';
import { consulServerNames, consulUiPort } from '../runtime/consul-specs.js';
import type { DockerClient } from '../runtime/docker.js';
import type { HttpClient } from '../runtime/http.js';

export interface QuorumView {
  leader: string;
  /** Consul servers alive in the gossip pool, by node name. */
  alive: string[];
}

/** What the first Consul server that answers on its 127.0.0.1 UI port says about leader and members. */
export async function observeQuorum(http: HttpClient, count: number): Promise<QuorumView | undefined> {
  for (let index = 1; index <= count; index += 1) {
    const base = `http://127.0.0.1:${consulUiPort(index)}/v1`;
    const leader = await http.request(`${base}/status/leader`, { timeoutMs: 3_000 });
    if (!leader.ok || leader.status !== 200) continue;
    const members = await http.request(`${base}/agent/members`, { timeoutMs: 3_000 });
    if (!members.ok || members.status !== 200) continue;
    const list = JSON.parse(members.body) as { Name: string; Status: number; Tags?: Record<string, string> }[];
    return { leader: JSON.parse(leader.body) as string, alive: list.filter((m) => m.Status === 1 && m.Tags?.role === 'consul').map((m) => m.Name) };
  }
  return undefined;
}

/**
 * Waits, within a deadline, until a leader is elected and every Consul server is a member; reports
 * progress as it goes. On timeout it names the missing servers and what their logs end with.
 */
export async function waitForQuorum(
  docker: DockerClient,
  http: HttpClient,
  count: number,
  onProgress: (view: QuorumView | undefined, elapsedMs: number) => void = () => undefined,
  // Seconds on a laptop; a slow machine (an emulated VM is 15x slower) needs minutes. Progress shows meanwhile.
  deadlineMs = 180_000,
): Promise<number> {
  const started = Date.now();
  const expected = consulServerNames(count);
  let view: QuorumView | undefined;
  while (Date.now() - started < deadlineMs) {
    view = await observeQuorum(http, count);
    onProgress(view, Date.now() - started);
    if (view && view.leader !== '' && expected.every((name) => view!.alive.includes(name))) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const missing = expected.filter((name) => !view?.alive.includes(name));
  const logs = await Promise.all(missing.map(async (name) => `${name}: ${(await docker.logs(name, 3)).join(' | ') || '(no log)'}`));
  throw new EnvironmentError(
    `Consul did not settle within ${deadlineMs / 1000} s: ${view?.leader ? 'a leader is elected' : 'no leader'}; missing ${missing.join(', ') || 'none'}.\n${logs.join('\n')}`,
    `\`docker logs ${missing[0] ?? 'simple_consul_1'}\` shows why; \`lab deploy -c\` again starts them afresh.`,
  );
}
