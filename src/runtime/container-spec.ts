import type Docker from 'dockerode';

/** A container the lab creates: one description, rendered for the Docker API and as the `docker` command it equals. */
export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  network?: string;
  /**
   * `container:NAME`: the container joins NAME's process namespace, so it lives only as long as NAME
   * does (when NAME's first process ends, the kernel ends every process in its namespace).
   */
  pid?: string;
  /** Removed by the engine once it stops (`--rm`): a container that is part of another leaves nothing behind. */
  autoRemove?: boolean;
  /** The container's host name (lab machines are named like docker-machine's hosts). */
  hostname?: string;
  env?: Record<string, string>;
  /** Published on 127.0.0.1 unless `hostIp` says otherwise (a machine's engine on a remote engine's host). */
  ports?: { containerPort: number; hostPort: number; hostIp?: string }[];
  command?: string[];
  /** Replaces the image's entrypoint (`--entrypoint`; the lab's probes run a shell line this way). */
  entrypoint?: string[];
  /** Docker-in-docker hosts (lab machines) need these; other containers leave them out. */
  privileged?: boolean;
  /** `private`: the container sees its own cgroup tree as the root (docker-in-docker on cgroup v2). */
  cgroupns?: 'private' | 'host';
  capAdd?: string[];
  capDrop?: string[];
  /** `seccomp=unconfined`, `apparmor=unconfined`… */
  securityOpt?: string[];
  /** `SOURCE:TARGET[:MODE]`: a volume name or a host path. */
  volumes?: string[];
  /**
   * Folders of the engine's machine (`--mount type=bind`): unlike a `-v` path, a source that is not
   * there is refused, never made (empty, as root) on a machine that may not be the learner's.
   */
  binds?: { source: string; target: string; readOnly?: boolean }[];
  /** In-memory mounts: path → mount options ('' for the defaults). */
  tmpfs?: Record<string, string>;
}

const LOOPBACK = '127.0.0.1';

export function toCreateOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const exposed = Object.fromEntries((spec.ports ?? []).map((p) => [`${p.containerPort}/tcp`, {}]));
  const bindings = Object.fromEntries((spec.ports ?? []).map((p) => [`${p.containerPort}/tcp`, [{ HostIp: p.hostIp ?? LOOPBACK, HostPort: String(p.hostPort) }]]));
  return {
    name: spec.name,
    Image: spec.image,
    ...(spec.hostname ? { Hostname: spec.hostname } : {}),
    Labels: spec.labels,
    Env: Object.entries(spec.env ?? {}).map(([key, value]) => `${key}=${value}`),
    ...(spec.command ? { Cmd: spec.command } : {}),
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.ports?.length ? { ExposedPorts: exposed } : {}),
    HostConfig: {
      ...(spec.network ? { NetworkMode: spec.network } : {}),
      ...(spec.pid ? { PidMode: spec.pid } : {}),
      ...(spec.autoRemove ? { AutoRemove: true } : {}),
      ...(spec.ports?.length ? { PortBindings: bindings } : {}),
      ...(spec.privileged ? { Privileged: true } : {}),
      ...(spec.cgroupns ? { CgroupnsMode: spec.cgroupns } : {}),
      ...(spec.capAdd?.length ? { CapAdd: spec.capAdd } : {}),
      ...(spec.capDrop?.length ? { CapDrop: spec.capDrop } : {}),
      ...(spec.securityOpt?.length ? { SecurityOpt: spec.securityOpt } : {}),
      ...(spec.volumes?.length ? { Binds: spec.volumes } : {}),
      ...(spec.binds?.length ? { Mounts: spec.binds.map((bind) => ({ Type: 'bind' as const, Source: bind.source, Target: bind.target, ReadOnly: bind.readOnly === true })) } : {}),
      ...(spec.tmpfs && Object.keys(spec.tmpfs).length > 0 ? { Tmpfs: spec.tmpfs } : {}),
    },
  };
}

/** The same container as the arguments of `docker run -d` / `docker create`. */
export function toDockerArgs(spec: ContainerSpec): string[] {
  return [
    '--name', spec.name,
    ...(spec.hostname ? ['--hostname', spec.hostname] : []),
    ...(spec.network ? ['--network', spec.network] : []),
    ...(spec.pid ? ['--pid', spec.pid] : []),
    ...(spec.autoRemove ? ['--rm'] : []),
    ...(spec.ports ?? []).flatMap((p) => ['-p', `${p.hostIp ?? LOOPBACK}:${p.hostPort}:${p.containerPort}`]),
    ...(spec.privileged ? ['--privileged'] : []),
    ...(spec.cgroupns ? [`--cgroupns=${spec.cgroupns}`] : []),
    ...(spec.capAdd ?? []).map((cap) => `--cap-add=${cap}`),
    ...(spec.capDrop ?? []).map((cap) => `--cap-drop=${cap}`),
    ...(spec.securityOpt ?? []).flatMap((opt) => ['--security-opt', opt]),
    ...(spec.volumes ?? []).flatMap((volume) => ['-v', volume]),
    ...(spec.binds ?? []).flatMap((bind) => ['--mount', `type=bind,source=${bind.source},target=${bind.target}${bind.readOnly ? ',readonly' : ''}`]),
    ...Object.entries(spec.tmpfs ?? {}).flatMap(([path, options]) => ['--tmpfs', options ? `${path}:${options}` : path]),
    ...Object.entries(spec.env ?? {}).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    ...Object.entries(spec.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    // `docker run` takes one word for --entrypoint; the rest of it goes after the image.
    ...(spec.entrypoint?.[0] !== undefined ? ['--entrypoint', spec.entrypoint[0]] : []),
    spec.image,
    ...(spec.entrypoint?.slice(1) ?? []),
    ...(spec.command ?? []),
  ].map(shellWord);
}

export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
