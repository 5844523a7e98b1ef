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
