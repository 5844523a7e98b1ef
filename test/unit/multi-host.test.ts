import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type { MachineView } from '../../src/probes/machines.js';
import { judgeCrossHostConsul, judgeCrossHostLb, judgeMachineRoles } from '../../src/checks/multi-host.js';
import { machineStage } from '../../src/machines/spec.js';
import { multiHostLbConfig, webHostServices } from '../../src/multihost/files.js';
import { createDockerClient } from '../../src/runtime/docker.js';
import { labEnvironment } from '../../src/runtime/endpoint.js';

const up = (name: string, containers: MachineView['containers'], ip = '172.18.0.2'): MachineView => ({ name, exists: true, running: true, state: 'running', ip, port: 23750, containers });
const c = (name: string, role: string, ports: { containerPort: number; hostPort: number }[] = []) => ({ name, role, running: true, ports });

const web = up('web', [c('server_1', 'server', [{ containerPort: 8080, hostPort: 8081 }]), c('server_2', 'server', [{ containerPort: 8080, hostPort: 8082 }]), c('consul_agent', 'consul-agent')]);
const lb = up('lb', [c('simple_haproxy_1', 'lb')], '172.18.0.3');
const consul = up('consul', [c('simple_consul_1', 'consul')], '172.18.0.4');
const wanted = [
  { name: 'web', role: 'server' },
  { name: 'lb', role: 'lb' },
  { name: 'consul', role: 'consul' },
];

describe('machine-roles', () => {
  it('passes when each machine runs its one kind (agents allowed)', () => {
    const judgement = judgeMachineRoles(wanted, ['consul-agent'], [web, lb, consul]);
    expect(judgement.status).toBe('pass');
    expect(judgement.summary).toBe('One service kind per machine — web: 2 servers, lb: 1 lb, consul: 1 consul.');
  });

  it('fails on a missing or stopped machine, naming it and the command', () => {
    expect(judgeMachineRoles(wanted, ['consul-agent'], [web, lb])).toMatchObject({ status: 'fail', summary: 'There is no lab machine "consul".', hint: 'Create it: `lab machine create consul`.' });
    const stopped = { ...web, running: false, state: 'exited' };
    expect(judgeMachineRoles(wanted, [], [stopped, lb, consul])).toMatchObject({ status: 'fail', summary: 'The machine "web" is exited.', hint: 'Start it again: `docker start lab-machine-web`.' });
    expect(judgeMachineRoles(wanted, [], [{ ...web, containers: { error: 'connect ECONNREFUSED' } }, lb, consul]).summary).toMatch(/engine of "web" did not answer/);
  });

  it('fails when a machine runs another kind, or none of its own', () => {
    const crowded = up('lb', [c('simple_haproxy_1', 'lb'), c('server_9', 'server')]);
    expect(judgeMachineRoles(wanted, ['consul-agent'], [web, crowded, consul]).summary).toBe('The machine "lb" runs server_9 (server) besides its lbs: one service kind per host.');
    expect(judgeMachineRoles(wanted, ['consul-agent'], [web, up('lb', [c('x', '')]), consul]).summary).toBe('The machine "lb" runs no lb container.');
    const stoppedOnly = up('lb', [{ ...c('simple_haproxy_1', 'lb'), running: false }]);
    expect(judgeMachineRoles(wanted, [], [web, stoppedOnly, consul]).status).toBe('fail');
  });
});

describe('cross-host-lb', () => {
  const spec = { lb: 'lb', web: 'web', port: 8585 };
  const facts = { web, lb, servers: ['server_1', 'server_2'] };

  it('passes when every web server answered through the LB machine', () => {
    const served = ['server_1', 'server_2', 'server_1', 'server_2'].map((server) => ({ server }));
    expect(judgeCrossHostLb(spec, { ...facts, served }).status).toBe('pass');
  });

  it('fails when a server never answers, a stranger answers, or requests fail', () => {
    expect(judgeCrossHostLb(spec, { ...facts, served: [{ server: 'server_1' }, { server: 'server_1' }] }).summary).toBe('2 requests through the LB machine never reached server_2 on "web".');
    expect(judgeCrossHostLb(spec, { ...facts, served: [{ server: 'server_1' }, { server: 'server_2' }, { server: 'simple-server-test' }] }).summary).toMatch(/simple-server-test answered, but is not a server running on "web"/);
    expect(judgeCrossHostLb(spec, { ...facts, served: [{ error: 'status 503' }] }).summary).toBe('1 of 1 requests through 127.0.0.1:8585 failed (status 503).');
    expect(judgeCrossHostLb(spec, { ...facts, web: { ...web, running: false, state: 'exited' }, served: [] }).summary).toBe('The machine "web" is exited.');
    expect(judgeCrossHostLb(spec, { ...facts, lb: up('lb', []), served: [] }).summary).toBe('The machine "lb" runs no load balancer.');
  });

  it('with `servers` (the challenge): fails while the web machine runs fewer, naming the next one and its port', () => {
    const served = ['server_1', 'server_2'].map((server) => ({ server }));
    expect(judgeCrossHostLb({ ...spec, servers: 3 }, { ...facts, served })).toMatchObject({ status: 'fail', summary: '"web" runs 2 servers (server_1, server_2); this wants 3.', hint: 'Run server_3 on "web" as the others run there, its port 8080 published on the machine (`-p 8083:8080`).' });
    expect(judgeCrossHostLb({ ...spec, servers: 2 }, { ...facts, served }).status).toBe('pass');
  });
});

describe('cross-host-consul', () => {
  const spec = { consul: 'consul', web: 'web', port: 8590 };
  const servers = [
    { name: 'server_1', port: 8081 },
    { name: 'server_2', port: 8082 },
  ];
  const instance = (port: number, address = '172.18.0.2') => ({ node: 'web', address, port });

  it("passes when the passing instances are exactly the web machine's servers, at its address", () => {
    expect(judgeCrossHostConsul(spec, { web, consul, servers, passing: [instance(8081), instance(8082)] })).toMatchObject({ status: 'pass' });
  });

  it('with `servers` (the challenge): fails while the web machine runs fewer', () => {
    expect(judgeCrossHostConsul({ ...spec, servers: 3 }, { web, consul, servers, passing: [instance(8081), instance(8082)] }).summary).toBe('"web" runs 2 servers (server_1, server_2); this wants 3.');
  });

  it('fails on a missing instance, a stale one, an unpublished server, or Consul not answering', () => {
    expect(judgeCrossHostConsul(spec, { web, consul, servers, passing: [instance(8081)] }).summary).toBe('Consul does not list server_2 (172.18.0.2:8082) as a passing simple-service.');
    expect(judgeCrossHostConsul(spec, { web, consul, servers, passing: [instance(8081), instance(8082), instance(8083)] }).summary).toMatch(/172\.18\.0\.2:8083 \(node web\) as passing, but no server/);
    expect(judgeCrossHostConsul(spec, { web, consul, servers, passing: [instance(8081), instance(8082, '10.0.0.9')] }).status).toBe('fail');
    expect(judgeCrossHostConsul(spec, { web, consul, servers: [{ name: 'server_1', port: 0 }], passing: [] }).summary).toMatch(/publishes no port/);
    expect(judgeCrossHostConsul(spec, { web, consul, servers, passing: { error: 'ECONNREFUSED' } }).summary).toBe('Consul on "consul" did not answer on 127.0.0.1:8590: ECONNREFUSED.');
  });
});

describe('stage 5 files', () => {
  it('haproxy/multi-host.cfg and consul/web-host.json are what the generators write', () => {
    expect(readFileSync(new URL('../../haproxy/multi-host.cfg', import.meta.url), 'utf8')).toBe(multiHostLbConfig());
    expect(readFileSync(new URL('../../consul/web-host.json', import.meta.url), 'utf8')).toBe(webHostServices());
    expect(multiHostLbConfig()).toContain('nameserver lab-machine-consul lab-machine-consul:8600');
    expect(JSON.parse(webHostServices()).services.map((s: { port: number }) => s.port)).toEqual([8081, 8082, 8083]);
  });
});

describe('the lab and a shell pointed at a machine', () => {
  it('keeps its own engine while DOCKER_MACHINE_NAME says the shell points at a machine', () => {
    const shell = { DOCKER_HOST: 'tcp://127.0.0.1:23750', DOCKER_MACHINE_NAME: 'web', PATH: '/bin' };
    expect(labEnvironment(shell)).toEqual({ PATH: '/bin' });
    expect(labEnvironment({ ...shell, LAB_DOCKER_HOST: 'unix:///run/other.sock' })).toEqual({ PATH: '/bin', DOCKER_HOST: 'unix:///run/other.sock', LAB_DOCKER_HOST: 'unix:///run/other.sock' });
    expect(labEnvironment({ DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1' })).toEqual({ DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1' });
  });

  it("talks to its own engine even though docker-modem reads the shell's DOCKER_* variables itself", () => {
    const saved = { ...process.env };
    Object.assign(process.env, { DOCKER_HOST: 'tcp://127.0.0.1:23750', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent', DOCKER_MACHINE_NAME: 'web' });
    try {
      const modem = (createDockerClient().api as unknown as { modem: { host?: string; socketPath?: string; protocol: string; ca?: unknown } }).modem;
      expect({ host: modem.host, socketPath: modem.socketPath, protocol: modem.protocol, ca: modem.ca }).toEqual({ host: undefined, socketPath: '/var/run/docker.sock', protocol: 'http', ca: undefined });
    } finally {
      for (const key of ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME']) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it('labels a machine with the stage whose step made it', () => {
    expect(machineStage({ LAB_STAGE: 'orchestration' })).toBe('orchestration');
    expect(machineStage({})).toBe('multi-host');
    expect(machineStage({ LAB_STAGE: 'not a slug' })).toBe('multi-host');
  });
});
