import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { toCreateOptions, toDockerArgs } from '../../src/runtime/container-spec.js';
import { envCommand, envLines } from '../../src/machines/env.js';
import { findMachine } from '../../src/machines/manage.js';
import { chooseRuntime } from '../../src/machines/machine-runtime.js';
import { machineFromContainer, machineNames, machineSpec, parsePublish, pickPorts, validateMachineName } from '../../src/machines/spec.js';

const web = { name: 'web', port: 23750 };

describe('envLines: docker-machine env output, shell by shell', () => {
  // The formats are docker-machine's commands/env.go (prefix, delimiter, suffix per shell, and the
  // usage hint with its trailing space after "shell:"); the same four variables in the same order,
  // since lab machines speak TLS with a client certificate as docker-machine's engines do.
  const certs = '/home/ada/.local/state/dockerlab/machines/web';

  it('bash', () => {
    expect(envLines(web, 'bash', false, certs)).toBe(
      'export DOCKER_TLS_VERIFY="1"\n' +
        'export DOCKER_HOST="tcp://127.0.0.1:23750"\n' +
        `export DOCKER_CERT_PATH="${certs}"\n` +
        'export DOCKER_MACHINE_NAME="web"\n' +
        '# Run this command to configure your shell: \n' +
        '# eval $(lab machine env web)\n',
    );
  });

  it('fish', () => {
    expect(envLines(web, 'fish', false, certs)).toBe(
      'set -gx DOCKER_TLS_VERIFY "1";\n' +
        'set -gx DOCKER_HOST "tcp://127.0.0.1:23750";\n' +
        `set -gx DOCKER_CERT_PATH "${certs}";\n` +
        'set -gx DOCKER_MACHINE_NAME "web";\n' +
        '# Run this command to configure your shell: \n' +
        '# eval (lab machine env --shell fish web)\n',
    );
  });

  it('powershell', () => {
    expect(envLines(web, 'powershell', false, certs)).toBe(
      '$Env:DOCKER_TLS_VERIFY = "1"\n' +
        '$Env:DOCKER_HOST = "tcp://127.0.0.1:23750"\n' +
        `$Env:DOCKER_CERT_PATH = "${certs}"\n` +
        '$Env:DOCKER_MACHINE_NAME = "web"\n' +
        '# Run this command to configure your shell: \n' +
        '# & lab machine env --shell powershell web | Invoke-Expression\n',
    );
  });

  it('bash --unset clears all four names docker-machine sets', () => {
    expect(envLines(web, 'bash', true)).toBe(
      'unset DOCKER_TLS_VERIFY\nunset DOCKER_HOST\nunset DOCKER_CERT_PATH\nunset DOCKER_MACHINE_NAME\n' +
        '# Run this command to configure your shell: \n# eval $(lab machine env --unset)\n',
    );
  });

  it('fish --unset', () => {
    expect(envLines(web, 'fish', true)).toBe(
      'set -e DOCKER_TLS_VERIFY;\nset -e DOCKER_HOST;\nset -e DOCKER_CERT_PATH;\nset -e DOCKER_MACHINE_NAME;\n' +
        '# Run this command to configure your shell: \n# eval (lab machine env --shell fish --unset)\n',
    );
  });

  it('powershell --unset keeps docker-machine\'s two backslashes', () => {
    expect(envLines(web, 'powershell', true)).toBe(
      'Remove-Item Env:\\\\DOCKER_TLS_VERIFY\nRemove-Item Env:\\\\DOCKER_HOST\nRemove-Item Env:\\\\DOCKER_CERT_PATH\nRemove-Item Env:\\\\DOCKER_MACHINE_NAME\n' +
        '# Run this command to configure your shell: \n# & lab machine env --shell powershell --unset | Invoke-Expression\n',
    );
  });

  it('evaluates in bash to the machine\'s DOCKER_HOST', () => {
    const vars = Object.fromEntries(
      [...envLines({ name: 'db', port: 23761 }, 'bash', false, '/state/machines/db').matchAll(/^export (\w+)="([^"]*)"$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(vars).toEqual({ DOCKER_TLS_VERIFY: '1', DOCKER_HOST: 'tcp://127.0.0.1:23761', DOCKER_CERT_PATH: '/state/machines/db', DOCKER_MACHINE_NAME: 'db' });
  });

  it("has the shape of docker-machine's own recorded bash output, line for line", () => {
    const recorded = readFileSync(new URL('../fixtures/docker-machine/env-bash.txt', import.meta.url), 'utf8').split('\n');
    const ours = envLines(web, 'bash', false, certs).split('\n');
    // The variables' values differ; the hint is as env.go prints it (the docs' sample quotes the eval).
    const shape = (line: string) => line.replace(/"[^"]*"/, '"…"').replace(/^# eval .*$/, '# eval …').trimEnd();
    expect(ours.map(shape)).toEqual(recorded.map(shape));
  });

  it('repeats the command line in the hint', () => {
    expect(envCommand('web', 'bash', false)).toBe('lab machine env web');
    expect(envCommand('web', 'fish', true)).toBe('lab machine env --shell fish --unset');
  });
});

describe('machineSpec', () => {
  const spec = machineSpec('web', 23751);

  it('is the docker-in-docker recipe that works on this kernel, as the exact docker run line', () => {
    expect(['docker run -d', ...toDockerArgs(spec)].join(' ')).toBe(
      'docker run -d --name lab-machine-web --hostname web --network simple-network -p 127.0.0.1:23751:2376' +
        ' --cap-add=ALL --cap-drop=SYS_RESOURCE --security-opt seccomp=unconfined --security-opt apparmor=unconfined' +
        ' -v /sys/fs/cgroup:/sys/fs/cgroup:rw -v lab-machine-web:/var/lib/docker --tmpfs /run' +
        ' --label dev.dockerlab.managed=true --label dev.dockerlab.stage=multi-host --label dev.dockerlab.role=host --label dev.dockerlab.machine=web' +
        ' dockerlab/host',
    );
  });

  it('maps to the Docker API without --privileged', () => {
    const options = toCreateOptions(spec);
    expect(options.name).toBe('lab-machine-web');
    expect(options.Image).toBe('dockerlab/host');
    expect(options.HostConfig).toEqual({
      NetworkMode: 'simple-network',
      PortBindings: { '2376/tcp': [{ HostIp: '127.0.0.1', HostPort: '23751' }] },
      CapAdd: ['ALL'],
      CapDrop: ['SYS_RESOURCE'],
      SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
      Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw', 'lab-machine-web:/var/lib/docker'],
      Tmpfs: { '/run': '' },
    });
    expect(options.HostConfig).not.toHaveProperty('Privileged');
    expect(options.Labels).toMatchObject({ 'dev.dockerlab.managed': 'true', 'dev.dockerlab.role': 'host', 'dev.dockerlab.machine': 'web' });
  });

  it('runs --privileged with a private cgroup namespace, and no host cgroup mount, on a cgroup v2 engine that grants it', () => {
    const v2 = machineSpec('web', 23751, [], { privileged: true, cgroupVersion: 2 });
    expect(['docker run -d', ...toDockerArgs(v2)].join(' ')).toBe(
      'docker run -d --name lab-machine-web --hostname web --network simple-network -p 127.0.0.1:23751:2376 --privileged --cgroupns=private' +
        ' -v lab-machine-web:/var/lib/docker --tmpfs /run' +
        ' --label dev.dockerlab.managed=true --label dev.dockerlab.stage=multi-host --label dev.dockerlab.role=host --label dev.dockerlab.machine=web' +
        ' dockerlab/host',
    );
    expect(toCreateOptions(v2).HostConfig).toMatchObject({ Privileged: true, CgroupnsMode: 'private', Binds: ['lab-machine-web:/var/lib/docker'] });
    expect(toCreateOptions(v2).HostConfig).not.toHaveProperty('CapAdd');
  });

  it('keeps the capability set with a private cgroup namespace where a cgroup v2 engine refuses --privileged', () => {
    const options = toCreateOptions(machineSpec('web', 23751, [], { privileged: false, cgroupVersion: 2 }));
    expect(options.HostConfig).toMatchObject({ CapAdd: ['ALL'], CapDrop: ['SYS_RESOURCE'], CgroupnsMode: 'private', Binds: ['lab-machine-web:/var/lib/docker'] });
    expect(options.HostConfig).not.toHaveProperty('Privileged');
  });

  it('chooses --privileged wherever the engine grants it, and says why it did not', () => {
    expect(chooseRuntime({ cgroupVersion: 2 }, { privileged: { allowed: true } })).toEqual({
      runtime: { privileged: true, cgroupVersion: 2 },
      why: 'machines run --privileged; cgroup v2: a cgroup namespace of its own, delegated to the inner engine',
    });
    const refused = chooseRuntime({ cgroupVersion: 1 }, { privileged: { allowed: false, error: 'unable to apply caps: operation not permitted' } });
    expect(refused.runtime).toEqual({ privileged: false, cgroupVersion: 1 });
    expect(refused.why).toContain('this engine refuses --privileged: unable to apply caps: operation not permitted');
  });

  it('on a remote engine publishes the engine port on the host\'s interfaces and names that host in its certificate', () => {
    const options = toCreateOptions(machineSpec('web', 23751, [{ hostPort: 8585, containerPort: 80 }], { privileged: false, cgroupVersion: 1 }, '192.0.2.7'));
    expect(options.HostConfig?.PortBindings).toEqual({
      '2376/tcp': [{ HostIp: '0.0.0.0', HostPort: '23751' }],
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8585' }],
    });
    expect(options.Env).toEqual(['LAB_MACHINE_ADDRESS=192.0.2.7']);
  });

  it('leaves specs without the new fields as they were', () => {
    const plain = toCreateOptions({ name: 'a', image: 'i', labels: {} });
    expect(plain.HostConfig).toEqual({});
    expect(toDockerArgs({ name: 'a', image: 'i', labels: {} })).toEqual(['--name', 'a', 'i']);
  });
});

describe('ports, names and lookup', () => {
  it('picks the first ports from 23750 that no machine uses', () => {
    expect(pickPorts([], 1)).toEqual([23750]);
    expect(pickPorts([23750, 23752], 3)).toEqual([23751, 23753, 23754]);
  });

  it('skips ports something else holds', () => {
    expect(pickPorts([23750], 2, (port) => port !== 23751)).toEqual([23752, 23753]);
  });

  it('names NAME, or NAME-1..N with --count', () => {
    expect(machineNames('web', undefined)).toEqual(['web']);
    expect(machineNames('node', 3)).toEqual(['node-1', 'node-2', 'node-3']);
  });

  it('accepts names that make valid container, volume and host names', () => {
    expect(validateMachineName('web-1')).toBeUndefined();
    expect(parsePublish('8585:80')).toEqual({ hostPort: 8585, containerPort: 80 });
    expect(parsePublish('8080')).toEqual({ hostPort: 8080, containerPort: 8080 });
    expect(parsePublish('80:2376')).toMatch(/engine/);
    expect(parsePublish('0.0.0.0:80:80')).toMatch(/HOSTPORT:PORT/);
    expect(parsePublish('70000:80')).toMatch(/HOSTPORT:PORT/);
    expect(validateMachineName('Web')).toMatch(/not a machine name/);
    expect(validateMachineName('-x')).toMatch(/not a machine name/);
    expect(validateMachineName('a_b')).toMatch(/not a machine name/);
  });

  it('reads a machine from its container labels and port, and nothing else', () => {
    const labels = { 'dev.dockerlab.managed': 'true', 'dev.dockerlab.role': 'host', 'dev.dockerlab.machine': 'web' };
    expect(
      machineFromContainer({
        labels,
        state: 'running',
        running: true,
        ports: [{ containerPort: 2376, hostPort: 23750 }, { containerPort: 80, hostPort: 8585 }],
        networks: { 'simple-network': '172.18.0.4' },
      }),
    ).toEqual({ name: 'web', port: 23750, state: 'running', running: true, ip: '172.18.0.4', published: [{ hostPort: 8585, containerPort: 80 }] });
    expect(machineFromContainer({ labels: { 'dev.dockerlab.role': 'host' }, state: 'running', running: true, ports: [] })).toBeUndefined();
  });

  it('an unknown machine is a usage error (exit 2) naming the existing ones', () => {
    const machines = [
      { name: 'lb', port: 23751, state: 'running', running: true, ip: '172.18.0.3', published: [] },
      { name: 'web', port: 23750, state: 'running', running: true, ip: '172.18.0.2', published: [] },
    ];
    expect(findMachine(machines, 'web').port).toBe(23750);
    expect(() => findMachine(machines, 'db')).toThrow(expect.objectContaining({ exitCode: 2, next: 'Existing machines: lb, web.' }));
  });
});
