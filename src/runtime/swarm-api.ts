import type Docker from 'dockerode';

/** What a Swarm manager's API says of its nodes, and of one service and its tasks. */
export interface SwarmNode {
  id: string;
  hostname: string;
  /** `ready`, `down`, `unknown`, `disconnected`. */
  state: string;
  /** `active`, `pause`, `drain`. */
  availability: string;
  role: string;
  leader: boolean;
}

export interface SwarmTask {
  slot: number;
  /** The node's hostname ('' while unassigned). */
  node: string;
  /** `running`, `preparing`, `pending`, `shutdown`… */
  state: string;
}

export interface SwarmService {
  name: string;
  replicas: number;
  /** Tasks whose desired state is running. */
  tasks: SwarmTask[];
}

export type SwarmView = { nodes: SwarmNode[]; service?: SwarmService } | { error: string };


/** The fields of the Swarm API's answers the checks read (dockerode's own types lack some). */
interface RawNode {
  ID?: string;
  Description?: { Hostname?: string };
  Status?: { State?: string };
  Spec?: { Availability?: string; Role?: string };
  ManagerStatus?: { Leader?: boolean };
}
interface RawTask {
  Slot?: number;
  NodeID?: string;
  Status?: { State?: string };
}

/** Nodes (and the service, when named) as the manager sees them. */
export async function observeSwarm(api: Docker, serviceName?: string): Promise<SwarmView> {
  try {
    const nodes = ((await api.listNodes()) as RawNode[]).map(
      (n): SwarmNode => ({
        id: n.ID ?? '',
        hostname: n.Description?.Hostname ?? '',
        state: n.Status?.State ?? 'unknown',
        availability: n.Spec?.Availability ?? 'unknown',
        role: n.Spec?.Role ?? 'worker',
        leader: Boolean(n.ManagerStatus?.Leader),
      }),
    );
    if (!serviceName) return { nodes };
    const services = (await api.listServices({ filters: { name: [serviceName] } })).filter((s) => s.Spec?.Name === serviceName);
    const service = services[0];
    if (!service) return { nodes };
    const hostnames = new Map(nodes.map((n) => [n.id, n.hostname]));
    const tasks = (await api.listTasks({ filters: { service: [serviceName], 'desired-state': ['running'] } })) as RawTask[];
    return {
      nodes,
      service: {
        name: serviceName,
        replicas: service.Spec?.Mode?.Replicated?.Replicas ?? 0,
        tasks: tasks.map((t) => ({ slot: t.Slot ?? 0, node: hostnames.get(t.NodeID ?? '') ?? '', state: t.Status?.State ?? 'unknown' })),
      },
    };
  } catch (error) {
    const message = (error as { json?: { message?: string } }).json?.message ?? (error as Error).message;
    return { error: message.trim() };
  }
}

/** One task of a service, from the manager's task history (Swarm keeps the last few per slot). */
export interface RolloutTask {
  slot: number;
  image: string;
  createdAt: string;
  /** `running`, `shutdown`, `failed`… */
  state: string;
  desiredState: string;
  /** The task got a container of its own (it started, whatever happened since). */
  started: boolean;
  /** The task's own health check as Swarm ran it (`["NONE"]`: switched off; absent: the image's). */
  healthcheck?: { test?: string[]; intervalNs?: number };
}

/** What a rolling update (and its rollback) left on record: the service, its task history, the load balancer's log. */
export interface RolloutView {
  image: string;
  /** `updating`, `completed`, `rollback_started`, `rollback_completed`, `paused`…; absent before any update. */
  updateState?: string;
  updateStartedAt?: string;
  updateCompletedAt?: string;
  tasks: RolloutTask[];
  /** The load balancer service's log lines since `since`, each led by the engine's RFC 3339 timestamp. */
  lbLog: string[];
  lbError?: string;
}

interface RawServiceDetail {
  Spec?: { TaskTemplate?: { ContainerSpec?: { Image?: string } } };
  UpdateStatus?: { State?: string; StartedAt?: string; CompletedAt?: string };
}
interface RawHistoryTask {
  Slot?: number;
  CreatedAt?: string;
  DesiredState?: string;
  Spec?: { ContainerSpec?: { Image?: string; Healthcheck?: { Test?: string[]; Interval?: number } } };
  Status?: { State?: string; ContainerStatus?: { ContainerID?: string; PID?: number } };
}

/**
 * A service's rollout as the manager recorded it. `lbService`'s log is read from its container on
 * this engine (the load balancer is pinned to the manager) since `sinceUnix`, with timestamps.
 */
export async function observeRollout(api: Docker, serviceName: string, lbService: string, sinceUnix: (tasks: RolloutTask[]) => number, demultiplex: (raw: Buffer) => string): Promise<RolloutView | { error: string }> {
  try {
    const service = (await api.getService(serviceName).inspect()) as RawServiceDetail;
    const tasks = ((await api.listTasks({ filters: { service: [serviceName] } })) as RawHistoryTask[]).map((t): RolloutTask => {
      const check = t.Spec?.ContainerSpec?.Healthcheck;
      return {
        slot: t.Slot ?? 0,
        image: t.Spec?.ContainerSpec?.Image ?? '',
        createdAt: t.CreatedAt ?? '',
        state: t.Status?.State ?? 'unknown',
        desiredState: t.DesiredState ?? 'unknown',
        started: Boolean(t.Status?.ContainerStatus?.ContainerID),
        ...(check ? { healthcheck: { ...(check.Test ? { test: check.Test } : {}), ...(check.Interval ? { intervalNs: check.Interval } : {}) } } : {}),
      };
    });
    const update = service.UpdateStatus;
    const view: RolloutView = {
      image: service.Spec?.TaskTemplate?.ContainerSpec?.Image ?? '',
      ...(update?.State ? { updateState: update.State } : {}),
      ...(update?.StartedAt ? { updateStartedAt: update.StartedAt } : {}),
      ...(update?.CompletedAt ? { updateCompletedAt: update.CompletedAt } : {}),
      tasks,
      lbLog: [],
    };
    const lbs = await api.listContainers({ filters: { label: [`com.docker.swarm.service.name=${lbService}`], status: ['running'] } });
    if (!lbs[0]) return { ...view, lbError: `no running container of the service ${lbService} on the manager` };
    const raw = (await api.getContainer(lbs[0].Id).logs({ stdout: true, stderr: true, timestamps: true, since: sinceUnix(tasks), follow: false })) as unknown as Buffer;
    return { ...view, lbLog: demultiplex(raw).split('\n').filter((line) => line.length > 0) };
  } catch (error) {
    const message = (error as { json?: { message?: string } }).json?.message ?? (error as Error).message;
    return { error: message.trim() };
  }
}
