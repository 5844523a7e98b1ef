/** What `lab doctor` saw; observe.ts gathers it, `judgeDoctor` (pure) turns it into findings. */
export interface EngineFacts {
  version: string;
  apiVersion: string;
  os: string;
  storageDriver?: string;
  rootDir?: string;
  cgroupVersion?: string;
  cgroupDriver?: string;
  securityOptions: string[];
}

export interface PortFacts {
  port: number;
  /** The stages that publish it. */
  stages: string[];
  state: 'free' | 'lab' | 'taken';
  /** The lab container publishing it, when `lab`. */
  container?: string;
}

export interface DiskFacts {
  path: string;
  freeBytes?: number;
  /** Why it could not be measured (a remote engine, a root dir inside a VM…). */
  unknown?: string;
}

export interface DoctorFacts {
  endpoint: { host: string; source: string };
  /** First line of `docker --version`; undefined when there is no docker CLI on PATH. */
  dockerCli?: string;
  engine: EngineFacts | { error: string };
  lessons: { dir: string; stages: number } | { error: string };
  /** What the lessons need and the id the engine has for each (none when it is missing). */
  images: { reference: string; id?: string }[];
  ports: PortFacts[];
  disk?: DiskFacts;
  /** /sys/fs/cgroup on the machine running the lab. */
  cgroupWritable: boolean;
  debootstrap: boolean;
  progress: { path: string; warning?: string };
}

export type FindingStatus = 'ok' | 'warn' | 'fail';

export interface Finding {
  status: FindingStatus;
  what: string;
  detail: string;
  fix?: string;
}

const GiB = 1024 ** 3;
export const DISK_WARN_BYTES = 5 * GiB;
export const DISK_FAIL_BYTES = 1 * GiB;
/** Docker Engine 20.10; the lab is tested on it and newer. */
export const MIN_API = '1.41';

const ok = (what: string, detail: string): Finding => ({ status: 'ok', what, detail });
const warn = (what: string, detail: string, fix: string): Finding => ({ status: 'warn', what, detail, fix });
const fail = (what: string, detail: string, fix: string): Finding => ({ status: 'fail', what, detail, fix });

/** One finding per thing the track needs, in the order a person would fix them. */
export function judgeDoctor(facts: DoctorFacts): Finding[] {
  const engine = 'error' in facts.engine ? undefined : facts.engine;
  return [
    facts.dockerCli ? ok('docker CLI', facts.dockerCli) : fail('docker CLI', 'not on PATH; the lessons type `docker` commands', 'install Docker Engine (or `apt-get install docker.io`)'),
    judgeEngine(facts),
    'error' in facts.lessons ? fail('lessons', facts.lessons.error, 'fix the lesson file, or point --lessons at a folder of valid lessons') : ok('lessons', `${facts.lessons.stages} stage(s) in ${facts.lessons.dir}`),
    ...(engine ? facts.images.map(judgeImage) : []),
    ...judgePorts(facts.ports),
    ...(engine ? [judgeDisk(facts.disk), judgeCgroup(engine), judgeDind(engine, facts.cgroupWritable)] : []),
    judgeDebootstrap(facts),
    facts.progress.warning ? warn('progress', facts.progress.warning, 'nothing to do: the lab starts a new progress file') : ok('progress', facts.progress.path),
  ];
}

function judgeEngine({ engine, endpoint }: DoctorFacts): Finding {
  if ('error' in engine) {
    return fail('Docker engine', engine.error, `start dockerd (or set DOCKER_HOST; the lab looked at ${endpoint.host}, from ${endpoint.source}), then run \`lab doctor\` again`);
  }
  const detail = `${engine.version}, API ${engine.apiVersion} (${engine.os}, ${engine.storageDriver ?? 'unknown'} storage) at ${endpoint.host}`;
  return apiAtLeast(engine.apiVersion, MIN_API)
    ? ok('Docker engine', detail)
    : warn('Docker engine', `${detail}: older than API ${MIN_API}, the oldest the lab is tested on`, 'upgrade to Docker Engine 20.10 or newer');
}

export function apiAtLeast(version: string, minimum: string): boolean {
  const parse = (text: string) => text.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [major = 0, minor = 0] = parse(version);
  const [wantMajor = 0, wantMinor = 0] = parse(minimum);
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

function judgeImage(image: { reference: string; id?: string }): Finding {
  return image.id
    ? ok(`image ${image.reference}`, `present (${image.id.replace(/^sha256:/, '').slice(0, 12)})`)
    : fail(`image ${image.reference}`, 'missing', '`lab images build --offline` (needs debootstrap), or `lab images load FILE` with a bundle from `lab images save`');
}

/** The free ports on one line; each port the lab cannot have on its own line, naming the stages it stops. */
function judgePorts(ports: PortFacts[]): Finding[] {
  const usable = ports.filter((port) => port.state !== 'taken');
  const lines: Finding[] = [];
  if (usable.length > 0) {
    const ours = usable.filter((port) => port.state === 'lab').map((port) => `${port.port} by ${port.container ?? 'the lab'}`);
    const detail = `${usable.map((port) => port.port).join(', ')} free on 127.0.0.1${ours.length > 0 ? ` or published by the lab (${ours.join(', ')})` : ''}`;
    lines.push(ok(usable.length === 1 ? 'port' : 'ports', detail));
  }
  for (const port of ports.filter((candidate) => candidate.state === 'taken')) {
    lines.push(fail(`port ${port.port}`, `taken by something that is not the lab; ${port.stages.join(', ')} cannot start`, `see what holds it with \`ss -ltnp 'sport = :${port.port}'\` (or \`docker ps --filter publish=${port.port}\`) and stop it`));
  }
  return lines;
}

function judgeDisk(disk: DiskFacts | undefined): Finding {
  if (!disk) return warn('disk', 'the engine did not say where it keeps its data', 'make sure its disk has 5 GiB free');
  if (disk.freeBytes === undefined) return warn('disk', `cannot measure ${disk.path}: ${disk.unknown ?? 'unknown'}`, 'make sure the engine\'s disk has 5 GiB free (`docker system df` shows its use)');
  const free = `${(disk.freeBytes / GiB).toFixed(1)} GiB free under ${disk.path}`;
  if (disk.freeBytes < DISK_FAIL_BYTES) return fail('disk', free, 'free space (`docker system prune` removes unused data), then run `lab doctor` again');
  if (disk.freeBytes < DISK_WARN_BYTES) return warn('disk', `${free}; the images and ten servers want about 5 GiB`, 'free space (`docker system prune` removes unused data)');
  return ok('disk', free);
}

function judgeCgroup(engine: EngineFacts): Finding {
  const version = engine.cgroupVersion ? `cgroup v${engine.cgroupVersion}` : 'cgroup version not reported';
  return ok('cgroups', `${version}, ${engine.cgroupDriver ?? 'unknown'} driver`);
}

/** Later stages run Docker inside a privileged container; a rootless or user-namespaced engine limits that. */
function judgeDind(engine: EngineFacts, cgroupWritable: boolean): Finding {
  const options = engine.securityOptions.join(' ');
  const here = `cgroup v${engine.cgroupVersion ?? '?'}, /sys/fs/cgroup ${cgroupWritable ? 'writable' : 'read-only'} here`;
  if (/name=rootless/.test(options)) return warn('docker-in-docker', `rootless engine (${here}): privileged containers are limited`, 'use a rootful Docker Engine for the docker-in-docker stages');
  if (/name=userns/.test(options)) return warn('docker-in-docker', `user namespaces remapped (${here}): --privileged needs --userns=host`, 'run the docker-in-docker stages on an engine without userns-remap');
  return ok('docker-in-docker', `privileged containers allowed (${here})`);
}

function judgeDebootstrap(facts: DoctorFacts): Finding {
  if (facts.debootstrap) return ok('debootstrap', 'present, for `lab images build --offline`');
  const anyMissing = facts.images.some((image) => !image.id);
  return anyMissing
    ? warn('debootstrap', 'missing; it makes the base image where no registry answers', '`apt-get install debootstrap`, or `lab images load FILE` instead')
    : ok('debootstrap', 'not installed; not needed while every image is present');
}
