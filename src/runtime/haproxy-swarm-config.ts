/**
 * The load balancer of stage 6 (orchestration), a Swarm service itself. Swarm's own routing mesh
 * needs the kernel's IPVS, which this kind of machine lacks; so simple-service runs with
 * `--endpoint-mode dnsrr` and HAProxy fills its slots from Docker's DNS on the overlay network,
 * where `tasks.simple-service` lists every running task — the stage-4 idea with Swarm as the catalog.
 * Pure: same input, same text; kept equal to haproxy/swarm.cfg by a unit test.
 */
import { globalSection, SERVER_CHECK } from './haproxy-consul-config.js';
import { defaultsAndFrontend } from './haproxy-config.js';

export const SWARM_SERVICE = 'simple-service';
export const SWARM_SLOTS = 20;

export function renderSwarmConfig(service = SWARM_SERVICE, slots = SWARM_SLOTS): string {
  return [
    '# HAProxy configuration of the Swarm load balancer (stage 6, orchestration), given to the',
    '# service as a Swarm config: docker config create simple-lb-cfg haproxy/swarm.cfg',
    `# No server is listed: Docker's DNS on the overlay network answers tasks.${service} with the`,
    '# address of every running task, and HAProxy fills its slots from that answer every second.',
    ...globalSection('DNS'),
    "# Docker's embedded DNS server, inside every container on a user-defined network.",
    'resolvers docker',
    '    nameserver docker 127.0.0.11:53',
    '    accepted_payload_size 8192',
    '    timeout resolve 1s',
    '    hold valid 1s',
    '    hold nx 1s',
    '',
    ...defaultsAndFrontend(),
    'backend webservers',
    '    balance roundrobin',
    `    # ${slots} slots, filled from the A records of tasks.${service}; a task that stops leaves its slot`,
    '    # within a second, one rescheduled on another node takes a free one. init-addr none: HAProxy',
    '    # starts even before the first task runs.',
    `    server-template web ${slots} tasks.${service}:8080 resolvers docker init-addr none resolve-prefer ipv4 ${SERVER_CHECK}`,
    '',
  ].join('\n');
}
