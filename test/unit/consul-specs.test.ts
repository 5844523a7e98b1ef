import { describe, expect, it } from '@jest/globals';
import { toCreateOptions } from '../../src/runtime/container-spec.js';
import { agentCommand, agentSidecarSpec, consulServerNames, consulServerSpec, consulServerSpecs, consulUiPort, dockerRunLine, nodeId } from '../../src/runtime/consul-specs.js';

const servers = consulServerNames(3);

describe('Consul server specs', () => {
  it('names servers simple_consul_1..N and publishes their UI on 127.0.0.1:8501..', () => {
    expect(consulServerNames(5)).toEqual(['simple_consul_1', 'simple_consul_2', 'simple_consul_3', 'simple_consul_4', 'simple_consul_5']);
    expect(consulServerSpecs(5).map((spec) => spec.ports)).toEqual([1, 2, 3, 4, 5].map((i) => [{ containerPort: 8500, hostPort: 8500 + i }]));
    expect(consulUiPort(3)).toBe(8503);
  });

  it('is the exact docker run line of the lesson', () => {
    expect(dockerRunLine(consulServerSpec(1, 3))).toBe(
      'docker run -d --name simple_consul_1 --network simple-network -p 127.0.0.1:8501:8500' +
        ' --label dev.dockerlab.managed=true --label dev.dockerlab.stage=service-discovery --label dev.dockerlab.role=consul' +
        ' localhost:5000/simple-consul consul agent -config-file=/consul/config/server.hcl -node=simple_consul_1 -bootstrap-expect=3' +
        ' -retry-join=simple_consul_1 -retry-join=simple_consul_2 -retry-join=simple_consul_3',
    );
  });

  it('expects every server before the first election and joins all of them by name', () => {
    const command = consulServerSpec(4, 5).command ?? [];
    expect(command).toContain('-bootstrap-expect=5');
    expect(command).toContain('-node=simple_consul_4');
    expect(command.filter((arg) => arg.startsWith('-retry-join='))).toHaveLength(5);
  });

  it('keeps the lab labels over labels passed in, and adds the others', () => {
    const spec = consulServerSpec(1, 1, { labels: { 'dev.dockerlab.deploy': 'd1', 'dev.dockerlab.role': 'server' } });
    expect(spec.labels).toEqual({ 'dev.dockerlab.deploy': 'd1', 'dev.dockerlab.managed': 'true', 'dev.dockerlab.stage': 'service-discovery', 'dev.dockerlab.role': 'consul' });
  });

  it('refuses counts Consul or the port range cannot take', () => {
    expect(() => consulServerNames(0)).toThrow('1..9');
    expect(() => consulServerNames(10)).toThrow('1..9');
    expect(() => consulServerSpec(4, 3)).toThrow('within 1..3');
  });
});

describe('agent sidecar specs', () => {
  it('runs in the served container\'s network and process namespaces (it ends with it, and is removed), named after it, and registers the service', () => {
    const spec = agentSidecarSpec({ container: 'server_1', servers, registerService: true });
    expect(dockerRunLine(spec)).toBe(
      'docker run -d --name server_1_agent --network container:server_1 --pid container:server_1 --rm' +
        ' --label dev.dockerlab.managed=true --label dev.dockerlab.stage=service-discovery --label dev.dockerlab.role=consul-agent --label dev.dockerlab.agent-of=server_1' +
        ' localhost:5000/simple-consul consul agent -config-file=/consul/config/agent.hcl -config-file=/consul/config/simple-service.json -node=server_1' +
        ` -node-id=${nodeId('server_1')} -join=simple_consul_1 -join=simple_consul_2 -join=simple_consul_3`,
    );
    expect(spec.ports).toBeUndefined();
    expect(toCreateOptions(spec).HostConfig).toMatchObject({ NetworkMode: 'container:server_1', PidMode: 'container:server_1', AutoRemove: true });
  });

  it('registers nothing next to a load balancer', () => {
    expect(agentCommand({ container: 'simple_haproxy_1', servers, registerService: false })).toEqual([
      'consul', 'agent', '-config-file=/consul/config/agent.hcl', '-node=simple_haproxy_1', `-node-id=${nodeId('simple_haproxy_1')}`, '-join=simple_consul_1', '-join=simple_consul_2', '-join=simple_consul_3',
    ]);
  });

  it('needs a server to join', () => {
    expect(() => agentCommand({ container: 'server_1', servers: [], registerService: true })).toThrow('at least one server');
  });
});

describe('Consul node ids', () => {
  it('are the same for one name and differ between names, in the UUID form Consul takes', () => {
    expect(nodeId('server_1')).toBe(nodeId('server_1'));
    expect(nodeId('server_1')).not.toBe(nodeId('server_2'));
    expect(nodeId('server_1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
