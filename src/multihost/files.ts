/**
 * Stage 5 (multi-host): the two files the learner copies into containers on the machines. Pure, and
 * kept equal to haproxy/multi-host.cfg and consul/web-host.json by a unit test, so the files the
 * lesson shows never drift from what the lab's checks expect.
 */
import { renderDnsDiscoveryConfig } from '../runtime/haproxy-consul-config.js';
import { machineContainer } from '../runtime/names.js';

/** The machines of stage 5, one service kind each. */
export const WEB_MACHINE = 'web';
export const LB_MACHINE = 'lb';
export const CONSUL_MACHINE = 'consul';
/** The web machine's servers publish 8081, 8082, … on the machine (not on this computer). */
export const FIRST_SERVER_PORT = 8081;
export const WEB_SERVERS = 3;

/**
 * The LB machine asks Consul's DNS on the Consul machine. The load balancer runs with
 * `--network host`, so it shares the machine's network and resolves the machine's name the way the
 * machine does (Docker's DNS on the lab network).
 */
export function multiHostLbConfig(): string {
  return renderDnsDiscoveryConfig({
    consulServers: [machineContainer(CONSUL_MACHINE)],
    slots: 10,
    heading: "# HAProxy configuration of the LB machine (stage 5, multi-host): Consul's DNS on the consul machine.",
  });
}

/** One simple-service instance per server on the web machine, each with its own health check. */
export function webHostServices(count = WEB_SERVERS): string {
  const services = Array.from({ length: count }, (_, i) => {
    const port = FIRST_SERVER_PORT + i;
    return {
      id: `server_${i + 1}`,
      name: 'simple-service',
      port,
      check: {
        id: `server_${i + 1}-health`,
        name: `GET /health on port ${port}`,
        http: `http://localhost:${port}/health`,
        method: 'GET',
        interval: '1s',
        timeout: '1s',
        deregister_critical_service_after: '1m',
      },
    };
  });
  return `${JSON.stringify({ services }, null, 2)}\n`;
}
