import type { CheckStatus } from '../checks/types.js';
import type { Progress } from '../progress/store.js';
import type { PortBinding } from '../runtime/docker.js';

/** One check as re-run for the report: the judgement and the raw facts it was made on. */
export interface ReportCheck {
  title: string;
  kind: string;
  status: CheckStatus;
  summary: string;
  hint?: string;
  durationMs: number;
  /** What the check observed, as its observe step returned it; absent when it could not look. */
  facts?: unknown;
}

/** A `docker ps -a` row of a lab container. */
export interface ReportContainer {
  name: string;
  id: string;
  image: string;
  state: string;
  labels: Record<string, string>;
  ports: PortBinding[];
  networks: string[];
}

export interface ReportNetwork {
  name: string;
  id: string;
  driver: string;
  labels: Record<string, string>;
}

export interface ReportVolume {
  name: string;
  driver: string;
  labels: Record<string, string>;
}

export interface ReportVersions {
  lab: string;
  node: string;
  os: string;
  docker?: { version: string; apiVersion: string; os: string; storageDriver?: string };
}

/** Everything a report holds, gathered by `collectReport` and turned into text by the pure `buildReport`. */
export interface ReportData {
  createdAt: string;
  stage: { id: string; number: number; title: string };
  engine: {
    reachable: boolean;
    /** Where the lab looked for the engine: the name of the setting, never its value. */
    endpointSource: string;
    /** Why it could not be reached, or broke off part-way. */
    problem?: string;
  };
  versions: ReportVersions;
  /** Empty when the checks could not be re-run; `checksSkipped` says why. */
  checks: ReportCheck[];
  checksSkipped?: string;
  /** The stage's disruptive checks (drills), which a report names but never runs. */
  drillsNotRun?: string[];
  containers: ReportContainer[];
  networks: ReportNetwork[];
  volumes: ReportVolume[];
  /** The last lines of each lab container's log, stdout and stderr together. */
  logs: { container: string; lines: string[] }[];
  logTail: number;
  progress: Progress;
  progressWarning?: string;
}
