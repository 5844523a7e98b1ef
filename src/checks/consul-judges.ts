/**
 * Stage 4's judges (service-discovery): a Consul quorum, a catalog that matches the running servers,
 * and load balancers whose live backends match the catalog. Pure: the observe side gathers Consul's
 * API answers and HAProxy's runtime API output; the parsers here read them as recorded in
 * test/fixtures/consul/ and test/fixtures/haproxy/runtime-*.txt (Consul 1.8.7, HAProxy 2.6.12).
 */
import type { ServiceInstance } from '../runtime/haproxy-consul-config.js';
import { fail, pass, type Judgement } from './types.js';

export type { ServiceInstance as CatalogInstance } from '../runtime/haproxy-consul-config.js';
type CatalogInstance = ServiceInstance;

// ---------------------------------------------------------------------------------------------
// Consul's answers

/** Serf's member states, as `consul members` prints them. */
export type MemberStatus = 'none' | 'alive' | 'leaving' | 'left' | 'failed';

export interface ConsulMember {
  name: string;
  /** The gossip address, without port. */
  address: string;
  status: MemberStatus;
  role: 'server' | 'client';
}

export interface HealthCheck {
  id: string;
  status: 'passing' | 'warning' | 'critical' | 'maintenance' | string;
  output: string;
}

/** One entry of `/v1/health/service/simple-service`: an instance with its node's and its own checks. */
export interface HealthEntry extends CatalogInstance {
  checks: HealthCheck[];
}

const MEMBER_STATUS: MemberStatus[] = ['none', 'alive', 'leaving', 'left', 'failed'];

/** `/v1/status/leader`: `"172.28.0.2:8300"`, or `""` while there is no leader. */
export function parseLeader(body: unknown): string {
  if (typeof body !== 'string') throw new Error(`Unexpected /v1/status/leader answer: ${JSON.stringify(body)}`);
  return body;
}

/** `/v1/agent/members`: Status is a number (1 alive … 4 failed); Tags.role is `consul` for a server. */
export function parseMembers(body: unknown): ConsulMember[] {
  return asArray(body, '/v1/agent/members').map((raw) => {
    const member = asRecord(raw, 'a member');
    const tags = asRecord(member['Tags'] ?? {}, 'a member\'s Tags');
    const status = typeof member['Status'] === 'number' ? MEMBER_STATUS[member['Status']] : undefined;
    return {
      name: String(member['Name'] ?? ''),
      address: String(member['Addr'] ?? ''),
      status: status ?? 'none',
      role: tags['role'] === 'consul' ? 'server' : 'client',
    };
  });
}

/** `/v1/health/service/simple-service` (with or without `?passing`). */
export function parseHealthService(body: unknown): HealthEntry[] {
  return asArray(body, '/v1/health/service').map((raw) => {
    const entry = asRecord(raw, 'a health entry');
    const node = asRecord(entry['Node'], 'an entry\'s Node');
    const service = asRecord(entry['Service'], 'an entry\'s Service');
    const serviceAddress = typeof service['Address'] === 'string' ? service['Address'] : '';
    const checks = asArray(entry['Checks'] ?? [], 'an entry\'s Checks').map((check) => {
      const fields = asRecord(check, 'a check');
      return { id: String(fields['CheckID'] ?? ''), status: String(fields['Status'] ?? ''), output: String(fields['Output'] ?? '') };
    });
    return {
      node: String(node['Node'] ?? ''),
      // An instance registered without an address of its own is reached at its node's address.
      address: serviceAddress !== '' ? serviceAddress : String(node['Address'] ?? ''),
      port: Number(service['Port'] ?? 0),
      checks,
    };
  });
}

/** The instances whose every check passes: what `?passing` returns, and what the load balancers use. */
export function passingInstances(entries: HealthEntry[]): CatalogInstance[] {
  return entries.filter(isPassing).map(({ node, address, port }) => ({ node, address, port }));
}

/**
 * Every check passes, and one of them is the node's own serfHealth: an entry without it belongs to an
 * agent that has left, and lingers (seen after a leader change) until the catalog is reconciled.
 */
const isPassing = (entry: HealthEntry): boolean =>
  entry.checks.some((check) => check.id === 'serfHealth') && entry.checks.every((check) => check.status === 'passing');

// ---------------------------------------------------------------------------------------------
// Quorum

export interface QuorumFacts {
  /** The Consul server containers the stage expects (simple_consul_1..N). */
  expectedServers: string[];
  /** From `/v1/status/leader` (`ip:8300`); '' when there is none. */
  leader: string;
  /** From `/v1/agent/members` of a server that answered. */
  members: ConsulMember[];
  /** Servers whose API could not be asked, and why. */
  errors: Record<string, string>;
  /**
   * Optional: the Consul server containers the engine runs. Consul's own view lags a stop by seconds
   * (gossip has not yet marked the server failed, and a stale leader is still named), so a server
   * whose container is not running counts as not alive, and a leader whose container stopped as none.
   */
  running?: string[];
}

export const quorumOf = (servers: number): number => Math.floor(servers / 2) + 1;

/** Passes when there is a leader and every expected server is an alive server member. */
export function judgeQuorum(facts: QuorumFacts): Judgement {
  const total = facts.expectedServers.length;
  const quorum = quorumOf(total);
  const alive = aliveServers(facts);
  const down = facts.expectedServers.filter((name) => !alive.includes(name));
  const why = (name: string): string => describeServer(facts, name);
  const look = down.length > 0 ? lookAtServers(down) : '';
  const leader = leaderName(facts);

  if (facts.members.length === 0 && Object.keys(facts.errors).length > 0) {
    const errors = Object.entries(facts.errors).map(([name, error]) => `${name}: ${error}`).join('; ');
    return fail(
      `No Consul server answers (${errors}).`,
      `\`docker ps -a --filter label=dev.dockerlab.role=consul\` shows whether they run; \`docker logs ${facts.expectedServers[0] ?? 'simple_consul_1'}\` shows why one stopped. \`lab deploy -c\` starts them.`,
    );
  }
  if (leader === undefined) {
    const reason = alive.length < quorum
      ? `No leader: ${alive.length} of ${total} servers alive, quorum needs ${quorum}.`
      : `No leader yet: ${alive.length} of ${total} servers alive (quorum ${quorum}); an election is under way.`;
    const missing = down.length > 0 ? ` Not alive: ${down.map(why).join(', ')}.` : '';
    const hint = alive.length < quorum
      ? `Consul elects a leader only when a majority of its servers can vote. ${look} \`docker start ${down[0] ?? 'simple_consul_1'}\` brings a stopped one back; \`lab deploy -c\` re-creates removed ones.`
      : 'Consul elects a leader within a second or two of reaching quorum: check again in a moment.';
    return fail(`${reason}${missing}`, hint);
  }
  if (down.length > 0) {
    return fail(
      `${down.map(why).join(', ')} ${down.length === 1 ? 'is' : 'are'} not alive; ${leader} leads and quorum holds (${alive.length} of ${total} alive, ${quorum} needed).`,
      `${look} \`lab deploy -c\` starts missing servers; a server that was removed rejoins under its old name.`,
    );
  }
  return pass(`${leader} leads; all ${total} Consul servers are alive members (${facts.expectedServers.join(', ')}).`);
}

/** True while a failing quorum may still come right by itself: enough servers alive, election pending. */
export function quorumSettling(facts: QuorumFacts): boolean {
  return leaderName(facts) === undefined && aliveServers(facts).length >= quorumOf(facts.expectedServers.length);
}

/** The expected servers that are alive server members, and whose container runs when that is known. */
export function aliveServers(facts: QuorumFacts): string[] {
  return facts.expectedServers.filter((name) => isAliveServer(facts.members, name) && isRunning(facts, name));
}

const isRunning = (facts: QuorumFacts, name: string): boolean => facts.running === undefined || facts.running.includes(name);

function isAliveServer(members: ConsulMember[], name: string): boolean {
  return members.some((member) => member.name === name && member.status === 'alive' && member.role === 'server');
}

function describeServer(facts: QuorumFacts, name: string): string {
  const member = facts.members.find((candidate) => candidate.name === name);
  const error = facts.errors[name];
  if (!isRunning(facts, name)) return `${name} (its container is not running)`;
  if (!member) return `${name} (not a member${error ? `: ${error}` : ''})`;
  if (member.role !== 'server') return `${name} (a client agent, not a server)`;
  return `${name} (${member.status})`;
}

/** The leader's name (its address when no member has it), or undefined when there is none, or it stopped. */
function leaderName(facts: QuorumFacts): string | undefined {
  if (facts.leader === '') return undefined;
  const host = facts.leader.replace(/:\d+$/, '');
  const member = facts.members.find((candidate) => candidate.role === 'server' && candidate.address === host);
  if (member && !isRunning(facts, member.name)) return undefined;
  return member ? member.name : facts.leader;
}

function lookAtServers(names: string[]): string {
  return `\`docker logs ${names[0]}\` shows why ${names.length === 1 ? 'it' : `${names[0]} (and the others)`} left; \`docker ps -a --filter name=simple_consul\` shows which run.`;
}

// ---------------------------------------------------------------------------------------------
// Catalog

export interface CatalogFacts {
  /** The server containers running (server_1, …): each should be a passing instance. */
  running: string[];
  /** `/v1/health/service/simple-service?passing`. */
  passing: CatalogInstance[];
  /** Optional: every instance with its checks (the same without `?passing`), to say why one is not passing. */
  health?: HealthEntry[];
  /** Optional: the catalog could not be read (`No cluster leader`, a timeout…). */
  error?: string;
}

/** Passes when the passing instances of simple-service are exactly the running servers. */
export function judgeCatalog(facts: CatalogFacts): Judgement {
  if (facts.error !== undefined) {
    return fail(
      `The catalog cannot be read: ${facts.error}.`,
      'Without a leader Consul answers nothing but stale reads: `lab check service-discovery` names the missing servers; `docker logs simple_consul_1` shows the election.',
    );
  }
  const passingNodes = new Set(facts.passing.map((instance) => instance.node));
  const missing = facts.running.filter((server) => !passingNodes.has(server));
  const extra = facts.passing.filter((instance) => !facts.running.includes(instance.node));
  if (missing.length === 0 && extra.length === 0) {
    const names = facts.running.join(', ') || 'none';
    return pass(`The catalog's ${facts.passing.length} passing simple-service instance${facts.passing.length === 1 ? ' is' : 's are'} the running servers: ${names}.`);
  }
  const problems: string[] = [];
  const hints: string[] = [];
  if (missing.length > 0) {
    problems.push(`${missing.map((server) => `${server} (${notPassingReason(server, facts.health)})`).join(', ')} ${missing.length === 1 ? 'runs' : 'run'} but ${missing.length === 1 ? 'is not a passing instance' : 'are not passing instances'} of simple-service.`);
    const first = missing[0]!;
    hints.push(`Each server is registered by its agent, ${first}_agent, which lives and dies with it: \`docker ps --filter name=${first}_agent\` shows whether it runs, \`docker logs ${first}_agent\` why not; a server restarted on its own has lost its agent, and \`lab deploy\` (as you deployed) puts both back.`);
  }
  if (extra.length > 0) {
    problems.push(`The catalog lists ${extra.map((instance) => `${instance.node} (${instance.address}:${instance.port})`).join(', ')} as passing, but no such server runs.`);
    hints.push('Consul notices a removed server within a second or two (its agent stops answering gossip); if it stays, `docker exec simple_consul_1 consul members` shows its node\'s state.');
  }
  return fail(problems.join(' '), hints.join(' '));
}

/** A catalog judged too early after a removal: only extra instances, which gossip removes by itself. */
export function catalogSettling(facts: CatalogFacts): boolean {
  const passingNodes = new Set(facts.passing.map((instance) => instance.node));
  return facts.error === undefined && facts.running.every((server) => passingNodes.has(server));
}

function notPassingReason(server: string, health: HealthEntry[] | undefined): string {
  if (!health) return 'not passing';
  const entry = health.find((candidate) => candidate.node === server);
  if (!entry) return 'not registered: its agent is not running or left';
  const failing = entry.checks.filter((check) => check.status !== 'passing');
  if (failing.some((check) => check.id === 'serfHealth')) return 'its agent does not answer gossip';
  const check = failing[0];
  if (!entry.checks.some((candidate) => candidate.id === 'serfHealth')) return 'its agent has left; the catalog still holds a stale entry';
  if (!check) return 'passing a moment ago';
  return `check ${check.id} is ${check.status}${check.output ? `: ${firstLine(check.output)}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Load balancer backends

export type BackendState = 'UP' | 'DOWN' | 'MAINT' | 'DRAIN';

export interface LbBackend {
  /** The server line's name: a slot (`server3`) in DNS mode, the node (`server_1`) in watch mode. */
  name: string;
  /** `ip:port`; '' for an empty server-template slot. */
  address: string;
  state: BackendState;
  /** The Consul node behind a DNS-mode slot (from its SRV target, `server_1.node.exampledc1.consul`). */
  node?: string;
}

export interface LbBackendFacts {
  /** The load balancer container, for messages. */
  lb: string;
  /** The passing instances of simple-service (the same list judgeCatalog reads). */
  catalog: CatalogInstance[];
  backends: LbBackend[];
}

/** Passes when the backends the LB would send a request to (UP) are exactly the catalog's instances. */
export function judgeLbBackends(facts: LbBackendFacts): Judgement {
  const live = facts.backends.filter((backend) => backend.state === 'UP');
  const liveAddresses = new Set(live.map((backend) => backend.address));
  const catalogAddresses = new Set(facts.catalog.map(instanceAddress));
  const missing = facts.catalog.filter((instance) => !liveAddresses.has(instanceAddress(instance)));
  const extra = live.filter((backend) => !catalogAddresses.has(backend.address));
  const look = `\`docker exec ${facts.lb} sh -c 'echo "show servers state webservers" | socat stdio /var/run/haproxy.sock'\` lists its backends; \`docker logs ${facts.lb}\` shows each change.`;

  if (missing.length === 0 && extra.length === 0) {
    const names = facts.catalog.map((instance) => instance.node).join(', ') || 'none';
    return pass(`${facts.lb} sends requests to exactly the ${facts.catalog.length} passing instance${facts.catalog.length === 1 ? '' : 's'}: ${names}.`);
  }
  const problems: string[] = [];
  const hints: string[] = [];
  if (missing.length > 0) {
    const present = new Map(facts.backends.map((backend) => [backend.address, backend] as const));
    problems.push(`${facts.lb} does not send requests to ${missing.map((instance) => {
      const backend = present.get(instanceAddress(instance));
      return `${instance.node} (${instanceAddress(instance)}${backend ? `: ${backend.name} is ${backend.state}` : ''})`;
    }).join(', ')}, passing in Consul.`);
    const slots = facts.backends.filter((backend) => /^server\d+$/.test(backend.name));
    const freeSlots = slots.filter((backend) => backend.address === '').length;
    if (slots.length > 0 && freeSlots === 0 && missing.some((instance) => !present.has(instanceAddress(instance)))) {
      hints.push(`All ${slots.length} server-template slots hold a server: raise the slot count in its configuration.`);
    } else {
      hints.push(`A DNS-mode LB asks Consul every second; a watch-mode LB needs its agent, ${facts.lb}_agent, running (\`docker ps -a --filter name=${facts.lb}_agent\`).`);
    }
  }
  if (extra.length > 0) {
    problems.push(`${facts.lb} still sends requests to ${extra.map((backend) => `${backend.node ?? backend.name} (${backend.address})`).join(', ')}, not passing in Consul.`);
    hints.push(`A watch-mode LB follows the catalog through its agent, ${facts.lb}_agent: \`docker logs ${facts.lb}\` shows its last \`watch-reload\` line.`);
  }
  hints.push(look);
  return fail(problems.join(' '), hints.join(' '));
}

const instanceAddress = (instance: CatalogInstance): string => `${instance.address}:${instance.port}`;

// ---------------------------------------------------------------------------------------------
// HAProxy's runtime API

/*
 * `show servers state webservers` (HAProxy 2.6), after a version line and a `#` header:
 *   3 webservers 1 server1 172.28.0.7 2 64 1 1 3 6 3 2 6 0 0 0 server_3.node.exampledc1.consul 8080 _simple-service._tcp.service.consul 0 0 - - 0
 * srv_op_state: 0 stopped (DOWN), 1 starting, 2 running, 3 stopping. srv_admin_state is a bit set:
 * 0x01 forced, 0x02 inherited, 0x20 resolution maintenance (an empty slot, or a name that does not
 * resolve); 0x08/0x10 drain; 0x40 only says the FQDN came from the runtime API or DNS.
 */
const ADMIN_MAINT = 0x01 | 0x02 | 0x20;
const ADMIN_DRAIN = 0x08 | 0x10;

export function parseShowServersState(text: string, backend = 'webservers'): LbBackend[] {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const header = lines.find((line) => line.startsWith('# '))?.slice(2).split(/\s+/);
  if (!header) throw new Error('Not `show servers state` output: no "# be_id be_name ..." header');
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`\`show servers state\` output has no ${name} column`);
    return index;
  };
  const [beName, srvName, srvAddr, opState, adminState, fqdn, port] = ['be_name', 'srv_name', 'srv_addr', 'srv_op_state', 'srv_admin_state', 'srv_fqdn', 'srv_port'].map(column) as [number, number, number, number, number, number, number];
  return lines
    .filter((line) => !line.startsWith('#') && /\s/.test(line))
    .map((line) => line.split(/\s+/))
    .filter((fields) => fields[beName] === backend)
    .map((fields) => {
      const address = fields[srvAddr] ?? '-';
      const admin = Number(fields[adminState] ?? 0);
      const op = Number(fields[opState] ?? 0);
      const state: BackendState = admin & ADMIN_MAINT ? 'MAINT' : op === 3 || admin & ADMIN_DRAIN ? 'DRAIN' : op === 0 ? 'DOWN' : 'UP';
      const node = nodeOfFqdn(fields[fqdn]);
      return {
        name: fields[srvName] ?? '',
        address: address === '-' ? '' : `${address}:${fields[port] ?? ''}`,
        state,
        ...(node ? { node } : {}),
      };
    });
}

/*
 * `show stat` (CSV with a `# pxname,svname,...` header). status: UP, DOWN, `UP 1/2` (going down),
 * `DOWN 1/2` (coming up), MAINT, `MAINT (resolution)`, DRAIN, NOLB, `no check`. addr: `ip:port`.
 * It names no SRV target: a DNS-mode slot's node is only in `show servers state`.
 */
export function parseShowStat(text: string, backend = 'webservers'): LbBackend[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const headerLine = lines.find((line) => line.startsWith('# '));
  if (!headerLine) throw new Error('Not `show stat` output: no "# pxname,svname,..." header');
  const header = headerLine.slice(2).split(',');
  const [pxname, svname, status, addr] = ['pxname', 'svname', 'status', 'addr'].map((name) => header.indexOf(name)) as [number, number, number, number];
  if ([pxname, svname, status, addr].some((index) => index < 0)) throw new Error('`show stat` output lacks pxname, svname, status or addr');
  return lines
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.split(','))
    .filter((fields) => fields[pxname] === backend && fields[svname] !== 'BACKEND' && fields[svname] !== 'FRONTEND')
    .map((fields) => ({ name: fields[svname] ?? '', address: fields[addr] ?? '', state: statState(fields[status] ?? '') }));
}

function statState(status: string): BackendState {
  const word = status.split(' ')[0] ?? '';
  if (word === 'MAINT') return 'MAINT';
  if (word === 'DRAIN' || word === 'NOLB') return 'DRAIN';
  if (word === 'UP' || status === 'no check') return 'UP';
  return 'DOWN';
}

function nodeOfFqdn(fqdn: string | undefined): string | undefined {
  const match = /^([^.]+)\.node\./.exec(fqdn ?? '');
  return match?.[1];
}

// ---------------------------------------------------------------------------------------------

function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`Unexpected ${what} answer: not a list`);
  return value;
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`Unexpected ${what}: not an object`);
  return value as Record<string, unknown>;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
