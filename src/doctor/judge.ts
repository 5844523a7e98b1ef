import type { ContainerFacts, EngineInfo } from '../runtime/engine-capabilities.js';
import type { EngineSite } from '../runtime/engine-site.js';
import { MACHINE_IMAGE } from '../runtime/names.js';

/** What `lab doctor` saw; observe.ts gathers it, `judgeDoctor` (pure) turns it into findings. */
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

/** What `docker build` will use, as the learner types it. */
export interface BuilderFacts {
  kind: 'buildkit' | 'classic';
  detail: string;
}

export interface StageFacts {
  id: string;
  number: number;
  /** Its `images:`, each with the id the engine has for it (none when it is missing). */
  images: { reference: string; id?: string }[];
}

export interface DoctorFacts {
  endpoint: { host: string; source: string };
  /** First line of `docker --version`; undefined when there is no docker CLI on PATH. */
  dockerCli?: string;
  builder?: BuilderFacts;
  /** The engine's facts, or why it cannot be used and the fix. */
  engine: EngineInfo | { error: string; fix?: string };
  site?: EngineSite;
  /** What containers get there: --privileged, the open-files limit (undefined: no image to probe with yet). */
  containers?: ContainerFacts;
  lessons: { dir: string; stages: number } | { error: string };
  stages: StageFacts[];
  ports: PortFacts[];
  disk?: DiskFacts;
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
/** Above this, software that sizes itself from `ulimit -n` (HAProxy without maxconn) can fail to start. */
const HUGE_NOFILE = 2 ** 24;

const CONSUL_IMAGE = 'localhost:5000/simple-consul';
/** Where simple-consul's Consul comes from, said wherever the lab would build it. */
export const CONSUL_SOURCE = "simple-consul installs Consul 1.8.7, Debian bullseye's (out of support since August 2026): its build tries the mirror, then archive.debian.org, where Debian keeps releases it no longer supports";

const ok = (what: string, detail: string): Finding => ({ status: 'ok', what, detail });
const warn = (what: string, detail: string, fix: string): Finding => ({ status: 'warn', what, detail, fix });
const fail = (what: string, detail: string, fix: string): Finding => ({ status: 'fail', what, detail, fix });

const isEngine = (engine: DoctorFacts['engine']): engine is EngineInfo => !('error' in engine);

/** One finding per thing the track needs, the engine's facts first, then each stage: ready, or what it lacks. */
export function judgeDoctor(facts: DoctorFacts): Finding[] {
  const engine = isEngine(facts.engine) ? facts.engine : undefined;
  return [
    facts.dockerCli ? ok('docker CLI', facts.dockerCli) : fail('docker CLI', 'not on PATH; the lessons type `docker` commands', 'install Docker Engine (or `apt-get install docker.io`)'),
    judgeEngine(facts),
    ...(engine ? [judgeHost(engine), judgeSite(facts.site), judgeContainers(facts.containers), judgeBuilder(facts.builder)] : []),
    'error' in facts.lessons ? fail('lessons', facts.lessons.error, 'fix the lesson file, or point --lessons at a folder of valid lessons') : ok('lessons', `${facts.lessons.stages} stage(s) in ${facts.lessons.dir}`),
    ...(engine ? facts.stages.map((stage) => judgeStage(stage, facts, engine)) : []),
    ...judgePorts(facts.ports),
    ...(engine ? [judgeDisk(facts.disk)] : []),
    judgeDebootstrap(facts),
    facts.progress.warning ? warn('progress', facts.progress.warning, 'nothing to do: the lab starts a new progress file') : ok('progress', facts.progress.path),
  ];
}

function judgeEngine({ engine, endpoint }: DoctorFacts): Finding {
  if (!isEngine(engine)) {
    return fail('Docker engine', engine.error, `${engine.fix ?? 'start dockerd (or set DOCKER_HOST)'} (the lab looked at ${endpoint.host}, from ${endpoint.source})`);
  }
  const product = engine.product === 'docker-desktop' ? 'Docker Desktop ' : engine.product === 'podman' ? 'Podman ' : '';
  const detail = `${product}${engine.version}, API ${engine.apiVersion} at ${endpoint.host} (${endpoint.source})`;
  return apiAtLeast(engine.apiVersion, MIN_API)
    ? ok('Docker engine', detail)
    : warn('Docker engine', `${detail}: older than API ${MIN_API}, the oldest the lab is tested on`, 'upgrade to Docker Engine 20.10 or newer');
}

function judgeHost(engine: EngineInfo): Finding {
  const mode = engine.rootless ? 'rootless' : 'rootful';
  const detail = `${engine.operatingSystem}, kernel ${engine.kernel}; cgroup v${engine.cgroupVersion} (${engine.cgroupDriver} driver), ${engine.storageDriver} storage, ${mode}${engine.userns ? ', user namespaces remapped' : ''}`;
  return ok('engine host', detail);
}

function judgeSite(site: EngineSite | undefined): Finding {
  if (!site) return warn('where', 'unknown', 'run `lab doctor` again');
  return site.local
    ? ok('where', `local: ${site.why}; published ports are on this computer's 127.0.0.1`)
    : ok('where', `remote: ${site.why}; published ports are on 127.0.0.1 of ${site.address}, and the lab asks them from there (a probe container on that host's network)`);
}

function judgeContainers(containers: ContainerFacts | undefined): Finding {
  if (!containers) return warn('containers', 'not probed yet: no lab image to run a probe with', 'build or load the images, then run `lab doctor` again');
  const nofile = containers.nofile ? `open files ${containers.nofile.soft} soft / ${containers.nofile.hard} hard` : 'open-files limit unknown';
  const huge = containers.nofile && Number(containers.nofile.soft) > HUGE_NOFILE ? ' (HAProxy sized by it would fail to start: the lab\'s configurations set maxconn 4096)' : '';
  const privileged = containers.privileged.allowed ? '--privileged allowed: lab machines run privileged' : `--privileged refused (${containers.privileged.error}): lab machines run with every capability but SYS_RESOURCE instead`;
  return ok('containers', `${nofile}${huge}; ${privileged}`);
}

function judgeBuilder(builder: BuilderFacts | undefined): Finding {
  if (!builder) return warn('builder', 'unknown: the docker CLI did not answer', 'install the docker CLI');
  return ok('builder', `${builder.kind === 'buildkit' ? 'BuildKit' : 'the classic builder'} (${builder.detail}); the learner's builds need no network either way`);
}

/** A stage is ready when the engine has its images and it can run there; otherwise, what it lacks and the fix. */
function judgeStage(stage: StageFacts, facts: DoctorFacts, engine: EngineInfo): Finding {
  const what = `stage ${stage.number} ${stage.id}`;
  const missing = stage.images.filter((image) => !image.id).map((image) => image.reference);
  const taken = facts.ports.filter((port) => port.state === 'taken' && port.stages.includes(stage.id)).map((port) => port.port);
  const problems: string[] = [];
  const fixes: string[] = [];
  if (missing.length > 0) {
    problems.push(`missing ${missing.join(', ')}`);
    fixes.push(`the lab builds ${missing.length === 1 ? 'it' : 'them'} when the stage opens; or now: \`lab images build\` (\`--offline\` with no registry), or \`lab images load FILE\``);
    if (missing.includes(CONSUL_IMAGE)) fixes.push(CONSUL_SOURCE);
  }
  if (taken.length > 0) {
    problems.push(`port${taken.length === 1 ? '' : 's'} ${taken.join(', ')} taken`);
    fixes.push('free the port (see below)');
  }
  const machines = stage.images.some((image) => image.reference === MACHINE_IMAGE);
  const machineProblem = machines ? machineLimits(engine, facts.site) : undefined;
  if (machineProblem) return fail(what, [...problems, machineProblem.detail].join('; '), machineProblem.fix);
  if (problems.length === 0) return ok(what, machines ? 'ready (lab machines: docker-in-docker on this engine)' : 'ready');
  return (taken.length > 0 ? fail : warn)(what, problems.join('; '), fixes.join('; '));
}

/**
 * Why lab machines (docker-in-docker) cannot run on this engine, when the lab knows they cannot.
 * Measured: rootful Docker 20.10 on cgroup v1 and 26 on cgroup v2. Not run here, so not claimed:
 * Podman, rootless Docker.
 */
function machineLimits(engine: EngineInfo, site: EngineSite | undefined): { detail: string; fix: string } | undefined {
  if (engine.product === 'podman') {
    return { detail: 'Podman: lab machines (a Docker engine inside a container) are not tested on it', fix: 'run stages 5 and 6 on Docker Engine or Docker Desktop; stages 1–4 need only the Docker API' };
  }
  if (engine.rootless) {
    return { detail: 'rootless engine: a Docker engine inside a container needs privileges a rootless engine does not have (not tested)', fix: 'run stages 5 and 6 on a rootful Docker Engine' };
  }
  if (engine.userns) return { detail: 'user namespaces remapped: --privileged needs --userns=host, which the lab does not set', fix: 'run stages 5 and 6 on an engine without userns-remap' };
  if (site && !site.local && site.address === '127.0.0.1') {
    return { detail: 'the engine is reached through a forwarded port: lab machines publish their engines on its host, which this computer cannot reach', fix: 'point DOCKER_HOST at the engine host\'s own address' };
  }
  return undefined;
}

export function apiAtLeast(version: string, minimum: string): boolean {
  const parse = (text: string) => text.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [major = 0, minor = 0] = parse(version);
  const [wantMajor = 0, wantMinor = 0] = parse(minimum);
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
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

function judgeDebootstrap(facts: DoctorFacts): Finding {
  if (facts.debootstrap) return ok('debootstrap', 'present: where no registry answers, the lab makes its Debian base with it');
  const anyMissing = facts.stages.some((stage) => stage.images.some((image) => !image.id));
  return anyMissing
    ? warn('debootstrap', 'missing; it makes the base image where no registry answers', '`apt-get install debootstrap`, or `lab images load FILE` instead')
    : ok('debootstrap', 'not installed; not needed while every image is present');
}
