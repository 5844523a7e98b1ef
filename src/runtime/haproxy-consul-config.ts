/**
 * The load balancer's configuration in stage 4 (service-discovery), where HAProxy follows Consul's
 * catalog with no manual edit. Two ways, both taught:
 * - DNS: `server-template` slots filled from Consul's DNS SRV records for simple-service (the default);
 * - watch: the article's template and reload, with `consul watch` (consul/watch-reload.sh) rewriting
 *   the server lines and reloading HAProxy seamlessly, as consul-template would.
 * Pure: same input, same text. Every setting that matters carries a comment saying why.
 */
import { CONNECTION_LIMIT, defaultsAndFrontend, LOG_FILE } from './haproxy-config.js';

/** A passing instance of simple-service as the catalog reports it (`/v1/health/service/simple-service?passing`). */
export interface ServiceInstance {
  /** The Consul node: the server's container name (its agent runs with `-node=server_1`). */
  node: string;
  address: string;
  port: number;
}

export interface DnsDiscoveryOptions {
  /** Consul servers to ask, by container name or address, each optionally `:port` (default 8600). */
  consulServers: string[];
  /** How many server-template slots (the most servers the backend can hold); default 20. */
  slots?: number;
  /** The first comment line: which stage the file belongs to. */
  heading?: string;
}

export const DEFAULT_SLOTS = 20;
export const CONSUL_DNS_PORT = 8600;
export const SRV_RECORD = '_simple-service._tcp.service.consul';
/** Slots are named server1, server2, … (server-template's prefix + number). */
export const SLOT_PREFIX = 'server';
/** The lines between these are rewritten by consul/watch-reload.sh; the rest of the file is kept. */
export const WATCH_BEGIN = '    # BEGIN servers written by consul watch';
export const WATCH_END = '    # END servers written by consul watch';
export const WATCH_SCRIPT = '/usr/local/bin/watch-reload.sh';
/** The same health check on every server line, in both modes and in the static configuration. */
export const SERVER_CHECK = 'check inter 500ms fall 1 rise 2';

export function renderDnsDiscoveryConfig(options: DnsDiscoveryOptions): string {
  const slots = options.slots ?? DEFAULT_SLOTS;
  if (!Number.isInteger(slots) || slots < 1 || slots > 1000) throw new Error(`Invalid number of server-template slots: ${slots}`);
  if (options.consulServers.length === 0) throw new Error('The DNS mode needs at least one Consul server to ask');
  const nameservers = options.consulServers.map((server, i) => {
    const { host, port } = splitHostPort(server);
    assertWord('Consul server', host);
    return `    nameserver ${isAddress(host) ? `consul_${i + 1}` : host} ${host}:${port}`;
  });
  return [
    options.heading ?? "# HAProxy configuration of the lab's load balancer (stage 4, service-discovery: DNS mode).",
    '# No server is listed here: the backend has slots that HAProxy fills from Consul\'s DNS, where',
    `# ${SRV_RECORD} lists every passing instance of simple-service with its address and port.`,
    '# A server that starts or stops is followed within a second or two, with no edit and no reload.',
    ...globalSection('DNS'),
    '# Consul answers DNS on port 8600. HAProxy sends each question to every nameserver and takes the',
    '# first good answer, so one Consul server gone changes nothing. The names are looked up once,',
    '# when HAProxy starts: a name that does not resolve then stops HAProxy from starting.',
    'resolvers consul',
    ...nameservers,
    '    # Consul\'s answers list every passing instance: a large one does not fit in 512 bytes.',
    '    accepted_payload_size 8192',
    '    # Ask again every second: an instance that left the catalog leaves its slot within about a',
    '    # second (Consul\'s answers are never cached: TTL 0; a record gone from the answer is dropped',
    '    # at once: hold obsolete 0s, the default). hold valid only matters to do-resolve rules in 2.6;',
    '    # it is kept as short, so no setting here holds on to an old answer.',
    '    timeout resolve 1s',
    '    hold valid 1s',
    '    # "No such name" is Consul\'s answer when no instance passes: empty the slots after a second',
    '    # instead of keeping the last good answer for the default 30 s.',
    '    hold nx 1s',
    '',
    ...defaultsAndFrontend(),
    'backend webservers',
    '    # Each request goes to the next server in turn, among the slots that hold a live server.',
    '    balance roundrobin',
    `    # ${slots} slots named ${SLOT_PREFIX}1..${SLOT_PREFIX}${slots}, filled from the SRV record; an empty slot waits in`,
    '    # maintenance. allow-dup-ip: two instances may share an address (different ports). The same',
    '    # health check as stage 3: one failed connect in 500 ms takes a server out before Consul notices.',
    `    server-template ${SLOT_PREFIX} ${slots} ${SRV_RECORD} resolvers consul resolve-opts allow-dup-ip resolve-prefer ipv4 ${SERVER_CHECK}`,
    '',
  ].join('\n');
}

/**
 * The watch mode's configuration for these passing instances. The LB container runs it as-is at
 * start; from then on consul/watch-reload.sh rewrites only the lines between WATCH_BEGIN and
 * WATCH_END, exactly as `watchServerLines` does here (the e2e proof compares the two).
 */
export function renderWatchTemplateConfig(instances: ServiceInstance[]): string {
  return [
    "# HAProxy configuration of the lab's load balancer (stage 4, service-discovery: watch mode).",
    '# The template-and-reload way (what consul-template does): `consul watch` reports the passing',
    '# instances of simple-service at start and after every change of the catalog; its handler,',
    `# ${WATCH_SCRIPT} render, rewrites the server lines below, checks the file with`,
    '# `haproxy -c`, and reloads HAProxy without dropping a connection (SIGUSR2 to the master).',
    ...globalSection('watch'),
    '# HAProxy\'s master (PID 1, `haproxy -W`) starts the watch, and starts it again after each reload',
    '# (the old one stops): the new watch reports the catalog at once, so no change is missed. It asks',
    '# the Consul agent sharing this container\'s network namespace (simple_haproxy_1_agent) on 127.0.0.1:8500.',
    'program consul-watch',
    `    command ${WATCH_SCRIPT} watch`,
    '',
    ...defaultsAndFrontend(),
    'backend webservers',
    '    # Each request goes to the next server in turn: the order of the lines below.',
    '    balance roundrobin',
    '    # One line per passing instance, named after its Consul node (the server\'s container name). A',
    '    # new worker starts every listed server UP: the catalog says it passes its own health check.',
    WATCH_BEGIN,
    ...watchServerLines(instances),
    WATCH_END,
    '',
  ].join('\n');
}

/** The server lines of the watch mode: sorted by name then number (server_2 before server_10). */
export function watchServerLines(instances: ServiceInstance[]): string[] {
  if (instances.length === 0) return [`    # (no passing instance of simple-service: every request gets a 503)`];
  return [...instances].sort(byNode).map(({ node, address, port }) => {
    assertWord('node name', node);
    assertWord('address', address);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`Invalid port for ${node}: ${port}`);
    return `    server ${node} ${address}:${port} ${SERVER_CHECK}`;
  });
}

/** The order consul/watch-reload.sh sorts in (its jq sort_by key): name without the number, number, name. */
export function byNode(a: ServiceInstance, b: ServiceInstance): number {
  const [prefixA, numberA] = sortKey(a.node);
  const [prefixB, numberB] = sortKey(b.node);
  return compare(prefixA, prefixB) || numberA - numberB || compare(a.node, b.node);
}

function sortKey(node: string): [string, number] {
  const match = /^(.*?)_?(\d+)$/.exec(node);
  return match ? [match[1] ?? '', Number(match[2])] : [node, 0];
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function globalSection(mode: 'DNS' | 'watch'): string[] {
  return [
    '',
    'global',
    '    # The log goes to stdout: `docker logs simple_haproxy_1` shows one line per request',
    `    # ("http-in webservers/${mode === 'DNS' ? 'server3' : 'server_1'} ... 200") and every change of a server's state.`,
    '    log stdout format raw local0',
    ...LOG_FILE,
    '    # The runtime API: the live backends as the lab\'s checks read them,',
    '    #   docker exec simple_haproxy_1 sh -c \'echo "show servers state webservers" | socat stdio /var/run/haproxy.sock\'',
    '    stats socket /var/run/haproxy.sock mode 600 level admin',
    '    # One thread: requests are logged in the order they were answered.',
    '    nbthread 1',
    ...CONNECTION_LIMIT,
    '',
  ];
}

function splitHostPort(server: string): { host: string; port: number } {
  const match = /^(.*?)(?::(\d+))?$/.exec(server.trim());
  const host = match?.[1] ?? '';
  const port = match?.[2] === undefined ? CONSUL_DNS_PORT : Number(match[2]);
  if (host === '' || port < 1 || port > 65535) throw new Error(`Invalid Consul server: ${JSON.stringify(server)}`);
  return { host, port };
}

const isAddress = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host);

/** Names and addresses end up as words in the file: a space or newline would change its meaning. */
function assertWord(what: string, value: string): void {
  if (!/^[\w.-]+$/.test(value)) throw new Error(`Invalid ${what} for HAProxy: ${JSON.stringify(value)}`);
}
