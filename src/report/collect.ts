import { readFileSync } from 'node:fs';
import { arch, release, type } from 'node:os';
import { join } from 'node:path';
import { checksInScope, runCheck } from '../checks/run-checks.js';
import type { ObserveContext } from '../checks/types.js';
import { isLabError } from '../errors.js';
import type { Stage } from '../lessons/types.js';
import type { LoadedProgress } from '../progress/store.js';
import type { ContainerFacts, DockerClient } from '../runtime/docker.js';
import type { HttpClient } from '../runtime/http.js';
import { packageRoot } from '../runtime/paths.js';
import type { ReportCheck, ReportContainer, ReportData, ReportNetwork, ReportVersions, ReportVolume } from './types.js';
import { LABEL_MANAGED, MANAGED_FILTER } from '../runtime/names.js';

export const LOG_TAIL = 50;

export interface CollectDeps {
  docker: DockerClient;
  http: HttpClient;
  /** As the store loaded it, with its warning if the file was unreadable. */
  progress: LoadedProgress;
  now?: () => Date;
  /** Told as each check finishes, so the command can show it. */
  onCheck?: (check: ReportCheck, index: number) => void;
}

type Engine = ReportData['engine'];

/**
 * Gathers a report: progress and versions always; with an engine, the stage's checks re-run with
 * their facts, then the lab's containers, networks and volumes (by label only) and each container's
 * last log lines. It reads no environment variable, and never throws for a missing engine.
 */
export async function collectReport(stage: Stage, { docker, http, progress: loaded, now = () => new Date(), onCheck }: CollectDeps): Promise<ReportData> {
  const { progress, warning } = loaded;
  const versions: ReportVersions = { lab: labVersion(), node: process.version, os: osName() };
  const engine: Engine = { reachable: true, endpointSource: endpointSource(docker) };
  const base = {
    createdAt: now().toISOString(),
    stage: { id: stage.id, number: stage.number, title: stage.title },
    engine,
    versions,
    logTail: LOG_TAIL,
    progress,
    drillsNotRun: undefined as string[] | undefined,
    ...(warning ? { progressWarning: warning } : {}),
  };
  const empty = { checks: [], containers: [], networks: [], volumes: [], logs: [] };
  try {
    versions.docker = await docker.version();
  } catch (error) {
    engine.reachable = false;
    engine.problem = `The Docker engine could not be reached${reason(error)}: the checks were not re-run, and no containers, networks, volumes or logs are listed.`;
    return { ...base, ...empty, checksSkipped: 'the Docker engine could not be reached.' };
  }

  const { checks, lost } = await rerunChecks(stage, { docker, http, progress: () => progress }, onCheck);
  const { skipped } = checksInScope(stage.checks, 'read-only');
  if (skipped.length > 0) base.drillsNotRun = skipped;
  if (lost !== undefined) engine.problem = `The Docker engine stopped answering while the checks ran${lost}.`;
  try {
    const found = await labContainers(docker);
    const [networks, volumes, logs] = await Promise.all([labNetworks(docker), labVolumes(docker), tails(docker, found)]);
    const containers = found.map(psRow);
    return { ...base, checks, ...(lost !== undefined ? { checksSkipped: `the Docker engine stopped answering${lost}.` } : {}), containers, networks, volumes, logs };
  } catch (error) {
    if (!isLabError(error)) throw error;
    engine.problem = `The Docker engine stopped answering while the lab's resources were listed${reason(error)}.`;
    return { ...base, ...empty, checks };
  }
}

/** Each check as `lab check` runs it, with the last facts it observed; stops if the engine goes (`lost` says why). */
async function rerunChecks(stage: Stage, context: ObserveContext, onCheck: CollectDeps['onCheck']): Promise<{ checks: ReportCheck[]; lost?: string }> {
  const checks: ReportCheck[] = [];
  // A report looks and never acts: the drills (which remove containers) are named, not run.
  const { included } = checksInScope(stage.checks, 'read-only');
  for (const spec of included) {
    const index = stage.checks.indexOf(spec);
    let facts: unknown;
    try {
      const result = await runCheck(spec, context, { onFacts: (seen) => (facts = seen) });
      const check: ReportCheck = {
        title: result.title,
        kind: result.kind,
        status: result.status,
        summary: result.summary,
        ...(result.hint ? { hint: result.hint } : {}),
        durationMs: result.durationMs,
        ...(facts !== undefined ? { facts } : {}),
      };
      checks.push(check);
      onCheck?.(check, index);
    } catch (error) {
      if (!isLabError(error)) throw error;
      return { checks, lost: reason(error) };
    }
  }
  return { checks };
}

/** Selected by the label, and checked again here: nothing without it reaches a report. */
async function labContainers(docker: DockerClient): Promise<ContainerFacts[]> {
  const found = await docker.listContainers([MANAGED_FILTER]);
  return found.filter((c) => c.labels[LABEL_MANAGED] === 'true').sort((a, b) => a.name.localeCompare(b.name));
}

const psRow = ({ name, id, image, state, labels, ports, networks }: ContainerFacts): ReportContainer => ({ name, id: id.slice(0, 12), image, state, labels, ports, networks: Object.keys(networks) });

async function labNetworks(docker: DockerClient): Promise<ReportNetwork[]> {
  const found = await docker.listNetworks([MANAGED_FILTER]);
  return found
    .filter((n) => n.labels[LABEL_MANAGED] === 'true')
    .map((n) => ({ name: n.name, id: n.id.slice(0, 12), driver: n.driver, labels: n.labels }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function labVolumes(docker: DockerClient): Promise<ReportVolume[]> {
  const found = await docker.listVolumes([MANAGED_FILTER]);
  return found
    .filter((v) => v.labels[LABEL_MANAGED] === 'true')
    .map((v) => ({ name: v.name, driver: v.driver, labels: v.labels }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function tails(docker: DockerClient, containers: ContainerFacts[]) {
  return Promise.all(containers.map(async ({ name, id }) => ({ container: name, lines: await docker.logs(id, LOG_TAIL) })));
}

/** Why the engine did not answer (`ECONNREFUSED`…), without where it was: the address may have come from DOCKER_HOST. */
function reason(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return ` (${code})`;
  const match = /\(([A-Z][A-Z_]+)\)/.exec(error instanceof Error ? error.message : '');
  return match ? ` (${match[1]})` : '';
}

const ENDPOINT_SOURCES: Record<string, string> = { DOCKER_HOST: 'the DOCKER_HOST setting', context: 'the current docker context', default: 'the default socket' };
const endpointSource = (docker: DockerClient): string => ENDPOINT_SOURCES[docker.endpoint.source] ?? docker.endpoint.source;

export function labVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** "Debian GNU/Linux 12 (bookworm); Linux 6.1.0 x64", or the kernel alone when there is no os-release. */
function osName(): string {
  const kernel = `${type()} ${release()} ${arch()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    return pretty ? `${pretty}; ${kernel}` : kernel;
  } catch {
    return kernel;
  }
}
