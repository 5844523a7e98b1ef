import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  renderDnsDiscoveryConfig,
  renderWatchTemplateConfig,
  WATCH_BEGIN,
  WATCH_END,
  watchServerLines,
} from '../../src/runtime/haproxy-consul-config.js';

const lines = (text: string): string[] => text.split('\n').map((line) => line.trim());
const settings = (text: string): string[] => lines(text).filter((line) => line !== '' && !line.startsWith('#'));
const instance = (n: number) => ({ node: `server_${n}`, address: `172.28.0.${n + 4}`, port: 8080 });

describe('renderDnsDiscoveryConfig', () => {
  const config = renderDnsDiscoveryConfig({ consulServers: ['simple_consul_1', 'simple_consul_2', 'simple_consul_3'] });

  it('asks every Consul server\'s DNS on port 8600, by name', () => {
    expect(settings(config).filter((line) => line.startsWith('nameserver '))).toEqual([
      'nameserver simple_consul_1 simple_consul_1:8600',
      'nameserver simple_consul_2 simple_consul_2:8600',
      'nameserver simple_consul_3 simple_consul_3:8600',
    ]);
  });

  it('names nameservers given as addresses by position, and keeps a port given', () => {
    const text = renderDnsDiscoveryConfig({ consulServers: ['172.28.0.2', '127.0.0.1:8601'] });
    expect(settings(text).filter((line) => line.startsWith('nameserver '))).toEqual(['nameserver consul_1 172.28.0.2:8600', 'nameserver consul_2 127.0.0.1:8601']);
  });

  it('fills 20 server-template slots from the SRV record with the fast health check by default', () => {
    expect(settings(config)).toContain(
      'server-template server 20 _simple-service._tcp.service.consul resolvers consul resolve-opts allow-dup-ip resolve-prefer ipv4 check inter 500ms fall 1 rise 2',
    );
    expect(renderDnsDiscoveryConfig({ consulServers: ['simple_consul_1'], slots: 5 })).toContain('server-template server 5 _simple-service._tcp.service.consul');
  });

  it('keeps the resolver, retry and logging settings that make changes fast and cost no request', () => {
    const all = settings(config);
    for (const setting of [
      'resolvers consul', 'accepted_payload_size 8192', 'hold valid 1s', 'timeout resolve 1s', 'hold nx 1s',
      'log stdout format raw local0', 'stats socket /var/run/haproxy.sock mode 600 level admin', 'nbthread 1',
      'mode http', 'option httplog', 'timeout connect 300ms', 'retries 6', 'option redispatch 1',
      'frontend http-in', 'bind *:80', 'default_backend webservers', 'backend webservers', 'balance roundrobin',
    ]) expect(all).toContain(setting);
  });

  it('refuses what would break the file', () => {
    expect(() => renderDnsDiscoveryConfig({ consulServers: [] })).toThrow('at least one Consul server');
    expect(() => renderDnsDiscoveryConfig({ consulServers: ['simple consul'] })).toThrow('Invalid Consul server');
    expect(() => renderDnsDiscoveryConfig({ consulServers: ['simple_consul_1'], slots: 0 })).toThrow('slots');
  });
});

describe('renderWatchTemplateConfig', () => {
  it('writes one server per passing instance between the markers the watch handler rewrites', () => {
    const config = renderWatchTemplateConfig([instance(2), instance(1)]);
    const all = config.split('\n');
    expect(all.slice(all.indexOf(WATCH_BEGIN), all.indexOf(WATCH_END) + 1)).toEqual([
      WATCH_BEGIN,
      '    server server_1 172.28.0.5:8080 check inter 500ms fall 1 rise 2',
      '    server server_2 172.28.0.6:8080 check inter 500ms fall 1 rise 2',
      WATCH_END,
    ]);
  });

  it('has HAProxy\'s master run the watch', () => {
    expect(settings(renderWatchTemplateConfig([]))).toEqual(expect.arrayContaining(['program consul-watch', 'command /usr/local/bin/watch-reload.sh watch']));
  });

  it('sorts by name, then number, as the handler\'s jq does (server_2 before server_10)', () => {
    const nodes = watchServerLines([instance(10), instance(2), { node: 'alpha', address: '10.0.0.1', port: 80 }, instance(1)]).map((line) => line.trim().split(' ')[1]);
    expect(nodes).toEqual(['alpha', 'server_1', 'server_2', 'server_10']);
  });

  it('says so when no instance passes: HAProxy answers 503', () => {
    expect(watchServerLines([])).toEqual(['    # (no passing instance of simple-service: every request gets a 503)']);
  });

  it('uses the same markers, server options and empty-list line as consul/watch-reload.sh', () => {
    const script = readFileSync(new URL('../../consul/watch-reload.sh', import.meta.url), 'utf8');
    expect(script).toContain(`BEGIN='${WATCH_BEGIN}'`);
    expect(script).toContain(`END='${WATCH_END}'`);
    expect(script).toContain("OPTIONS='check inter 500ms fall 1 rise 2'");
    expect(script).toContain('echo "    # (no passing instance of $SERVICE: every request gets a 503)"');
  });

  it('refuses a node name that would break the file', () => {
    expect(() => renderWatchTemplateConfig([{ node: 'server 1', address: '172.28.0.5', port: 8080 }])).toThrow('Invalid node name');
  });
});
