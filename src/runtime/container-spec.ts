import type Docker from 'dockerode';

/** A container the lab creates: one description, rendered for the Docker API and as the `docker` command it equals. */
export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  network?: string;
  env?: Record<string, string>;
  /** Published on 127.0.0.1 only. */
  ports?: { containerPort: number; hostPort: number }[];
  command?: string[];
}

export function toCreateOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const exposed = Object.fromEntries((spec.ports ?? []).map((p) => [`${p.containerPort}/tcp`, {}]));
  const bindings = Object.fromEntries((spec.ports ?? []).map((p) => [`${p.containerPort}/tcp`, [{ HostIp: '127.0.0.1', HostPort: String(p.hostPort) }]]));
  return {
    name: spec.name,
    Image: spec.image,
    Labels: spec.labels,
    Env: Object.entries(spec.env ?? {}).map(([key, value]) => `${key}=${value}`),
    ...(spec.command ? { Cmd: spec.command } : {}),
    ...(spec.ports?.length ? { ExposedPorts: exposed } : {}),
    HostConfig: {
      ...(spec.network ? { NetworkMode: spec.network } : {}),
      ...(spec.ports?.length ? { PortBindings: bindings } : {}),
    },
  };
}

/** The same container as the arguments of `docker run -d` / `docker create`. */
export function toDockerArgs(spec: ContainerSpec): string[] {
  return [
    '--name', spec.name,
    ...(spec.network ? ['--network', spec.network] : []),
    ...(spec.ports ?? []).flatMap((p) => ['-p', `127.0.0.1:${p.hostPort}:${p.containerPort}`]),
    ...Object.entries(spec.env ?? {}).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    ...Object.entries(spec.labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    spec.image,
    ...(spec.command ?? []),
  ].map(shellWord);
}

export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
