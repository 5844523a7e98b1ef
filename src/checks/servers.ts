import { byIndex } from '../deploy/plan.js';
import { probeFromInside, type ProbeAnswer } from '../probes/requests.js';
import { fail, pass, type ReadOnlyCheckModule, type Zod } from './types.js';
import { checkBase } from './spec-base.js';
import { LABEL_DEPLOY, NETWORK, LABEL_ROLE } from '../runtime/names.js';

export interface ServerFacts {
  name: string;
  running: boolean;
  state: string;
  /** The deploy that made it; absent for a container started by hand. */
  deploy?: string;
  health?: ProbeAnswer;
}

export interface ServersFacts {
  servers: ServerFacts[];
}

const list = (names: string[], most = 5): string => (names.length <= most ? names.join(', ') : `${names.slice(0, most).join(', ')} and ${names.length - most} more`);

/** The lesson line of a `servers` check. */
export const serversSpec = (z: Zod) =>
  z.object({
    kind: z.literal('servers'),
    ...checkBase(z),
    prefix: z.string().default('server'),
    /** Exactly this many `<prefix>_1..N` servers of one deploy. */
    count: z.number().int().min(1).max(200),
  });

export const serversCheck: ReadOnlyCheckModule<typeof serversSpec, ServersFacts> = {
  kind: 'servers',
  spec: serversSpec,
  effect: 'read-only',

  async observe(spec, { docker }) {
    const pattern = new RegExp(`^${spec.prefix}_\\d+$`);
    const containers = (await docker.listContainers([`${LABEL_ROLE}=server`])).filter((c) => pattern.test(c.name) && NETWORK in c.networks);
    const running = containers.filter((c) => c.running).map((c) => c.name).sort(byIndex);
    const health = running.length > 0 ? await probeFromInside(docker, running[0]!, running.map((name) => `http://${name}:8080/health`)) : {};
    return {
      servers: containers
        .map((c) => {
          const answer = health[`http://${c.name}:8080/health`];
          return { name: c.name, running: c.running, state: c.state, ...(c.labels[LABEL_DEPLOY] ? { deploy: c.labels[LABEL_DEPLOY] } : {}), ...(answer ? { health: answer } : {}) };
        })
        .sort((a, b) => byIndex(a.name, b.name)),
    };
  },

  judge(spec, { servers }) {
    const expected = Array.from({ length: spec.count }, (_, i) => `${spec.prefix}_${i + 1}`);
    const byName = new Map(servers.map((s) => [s.name, s]));
    const leftovers = servers.filter((s) => !expected.includes(s.name)).map((s) => s.name);
    if (leftovers.length > 0) {
      return fail(`${list(leftovers)} ${leftovers.length === 1 ? 'is' : 'are'} left over: ${spec.count} servers are wanted, ${servers.length} exist.`, `\`lab deploy ${spec.count}\` replaces them all; \`docker ps -a --filter name=${spec.prefix}_\` lists them.`);
    }
    const missing = expected.filter((name) => !byName.has(name));
    if (missing.length > 0) {
      return fail(`${servers.length} of ${spec.count} servers exist; ${list(missing)} ${missing.length === 1 ? 'is' : 'are'} missing.`, `\`lab deploy ${spec.count}\` starts ${spec.count} servers.`);
    }
    const stopped = servers.filter((s) => !s.running);
    if (stopped.length > 0) {
      return fail(`${list(stopped.map((s) => `${s.name} (${s.state})`))} ${stopped.length === 1 ? 'is' : 'are'} not running.`, `\`docker logs ${stopped[0]!.name}\` shows why it stopped; \`docker start ${stopped[0]!.name}\` starts it again.`);
    }
    const deploys = new Set(servers.map((s) => s.deploy ?? 'by hand'));
    if (deploys.size > 1 || deploys.has('by hand')) {
      const byHand = servers.filter((s) => !s.deploy).map((s) => s.name);
      return fail(
        byHand.length > 0 ? `${list(byHand)} ${byHand.length === 1 ? 'was' : 'were'} started by hand, not by one \`lab deploy\`.` : 'The servers come from more than one deploy.',
        `\`lab deploy ${spec.count}\` replaces them with one consistent set.`,
      );
    }
    const unhealthy = servers.filter((s) => !s.health || !('status' in s.health) || s.health.status !== 200);
    if (unhealthy.length > 0) {
      const first = unhealthy[0]!;
      const why = first.health && 'error' in first.health ? first.health.error : 'no answer';
      return fail(`${list(unhealthy.map((s) => s.name))} ${unhealthy.length === 1 ? 'does' : 'do'} not answer /health from inside simple-network (${first.name}: ${why}).`, `\`docker logs ${first.name}\` shows whether it started; \`docker exec ${servers[0]!.name} python3 -c "import urllib.request; print(urllib.request.urlopen('http://${first.name}:8080/health').read())"\` asks it again.`);
    }
    return pass(`${spec.count} servers of one deploy run, ${expected[0]}…${expected.at(-1)}, each answering /health inside simple-network.`);
  },
};
