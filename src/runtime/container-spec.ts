import type Docker from 'dockerode';

/** A container the lab creates: one description, rendered for the Docker API and as the `docker` command it equals. */
export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  network?: string;
  /** The container's host name (lab machines are named like docker-machine's hosts). */
  hostname?: string;
  env?: Record<string, string>;
  /** Published on 127.0.0.1 only. */
  ports?: { containerPort: number; hostPort: number }[];
  command?: string[];
  /** Docker-in-docker hosts (lab machines) need these; other containers leave them out. */
  capAdd?: string[];
  capDrop?: string[];
  /** `seccomp=unconfined`, `apparmor=unconfined`… */
  securityOpt?: string[];
  /** `SOURCE:TARGET[:MODE]`: a volume name or a host path. */
  volumes?: string[];
  /** In-memory mounts: path → mount options ('' for the defaults). */
  tmpfs?: Record<string, string>;
}

export function toCreateOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const exposed = Object.fromEntries((spec.ports ?? []).map((p) => [`${p.containerPort}/tcp`, {}]));
  const bindings = Object.fromEntries((spec.ports ?? []).map((p) => [`${p.containerPort}/tcp`, [{ HostIp: '127.0.0.1', HostPort: String(p.hostPort) }]]));
  return {
    name: spec.name,
    Image: spec.image,
    ...(spec.hostname ? { Hostname: spec.hostname } : {}),
    Labels: spec.labels,
    Env: Object.entries(spec.env ?? {}).map(([key, value]) => `${key}=${value}`),
    ...(spec.command ? { Cmd: spec.command } : {}),
    ...(spec.ports?.length ? { ExposedPorts: exposed } : {}),
    HostConfig: {
      ...(spec.network ? { NetworkMode: spec.network } : {}),
      ...(spec.ports?.length ? { PortBindings: bindings } : {}),
      ...(spec.capAdd?.length ? { CapAdd: spec.capAdd } : {}),
      ...(spec.capDrop?.length ? { CapDrop: spec.capDrop } : {}),
      ...(spec.securityOpt?.length ? { SecurityOpt: spec.securityOpt } : {}),
      ...(spec.volumes?.length ? { Binds: spec.volumes } : {}),
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
    ...(spec.ports ?? []).flatMap((p) => ['-p', `127.0.0.1:${p.hostPort}:${p.containerPort}`]),
    ...(spec.capAdd ?? []).map((cap) => `--cap-add=${cap}`),
    ...(spec.capDrop ?? []).map((cap) => `--cap-drop=${cap}`),
    ...(spec.securityOpt ?? []).flatMap((opt) => ['--security-opt', opt]),
    ...(spec.volumes ?? []).flatMap((volume) => ['-v', volume]),
    ...Object.entries(spec.tmpfs ?? {}).flatMap(([path, options]) => ['--tmpfs', options ? `${path}:${options}` : path]),
    ...Object.entries(spec.env ?? {}).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    ...Object.entries(spec.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    spec.image,
    ...(spec.command ?? []),
  ].map(shellWord);
}

export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
