import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { HAPROXY_CONFIG_PATH, renderHaproxyConfig } from '../../src/runtime/haproxy-config.js';

const threeServers = [1, 2, 3].map((n) => ({ name: `server_${n}`, address: `server_${n}:8080` }));
const lines = (text: string): string[] => text.split('\n').map((line) => line.trim());

describe('renderHaproxyConfig', () => {
  it('is what haproxy/haproxy.cfg holds for server_1..3, so the file never drifts from the generator', () => {
    const file = readFileSync(new URL('../../haproxy/haproxy.cfg', import.meta.url), 'utf8');
    expect(file).toBe(renderHaproxyConfig({ servers: threeServers }));
  });

  it('writes one checked server line per server, in the given order', () => {
    const servers = lines(renderHaproxyConfig({ servers: threeServers })).filter((line) => line.startsWith('server '));
    expect(servers).toEqual([
      'server server_1 server_1:8080 check inter 500ms fall 1 rise 2',
      'server server_2 server_2:8080 check inter 500ms fall 1 rise 2',
      'server server_3 server_3:8080 check inter 500ms fall 1 rise 2',
    ]);
  });

  it('logs requests to stdout and keeps the settings that make a removed server cost no request', () => {
    const config = lines(renderHaproxyConfig({ servers: threeServers }));
    for (const setting of [
      'log stdout format raw local0',
      'log fd@3 format raw local0',
      'stats socket /var/run/haproxy.sock mode 600 level admin',
      'nbthread 1',
      'mode http',
      'log global',
      'option httplog',
      'timeout connect 300ms',
      'retries 6',
      'option redispatch 1',
      'frontend http-in',
      'bind *:80',
      'default_backend webservers',
      'backend webservers',
      'nameserver dns 127.0.0.11:53',
      'default-server init-addr last,libc,none resolvers docker',
    ]) {
      expect(config).toContain(setting);
    }
  });

  it('balances round-robin unless told otherwise', () => {
    expect(lines(renderHaproxyConfig({ servers: threeServers }))).toContain('balance roundrobin');
    expect(lines(renderHaproxyConfig({ servers: threeServers, balance: 'first' }))).toContain('balance first');
    expect(lines(renderHaproxyConfig({ servers: threeServers, balance: 'leastconn' }))).toContain('balance leastconn');
  });

  it('names the servers it was generated from, and where the config lives in the image', () => {
    const config = renderHaproxyConfig({ servers: threeServers });
    expect(config).toContain('from the servers running at the time: server_1, server_2, server_3.');
    expect(config).toContain(`simple_haproxy_1:${HAPROXY_CONFIG_PATH}`);
    expect(HAPROXY_CONFIG_PATH).toBe('/usr/local/etc/haproxy/haproxy.cfg');
  });

  it('still makes a valid backend with no servers, and says so', () => {
    const config = renderHaproxyConfig({ servers: [] });
    expect(lines(config).filter((line) => line.startsWith('server '))).toEqual([]);
    expect(config).toContain('(no servers were running: every request gets a 503)');
  });

  it('refuses a name or address that would change the meaning of the file', () => {
    expect(() => renderHaproxyConfig({ servers: [{ name: 'server 1', address: 'server_1:8080' }] })).toThrow('Invalid HAProxy server name');
    expect(() => renderHaproxyConfig({ servers: [{ name: 'server_1', address: 'a:1\n    bogus' }] })).toThrow('Invalid HAProxy server address');
  });
});
