import type { PortBinding } from '../runtime/docker.js';
import type { HttpOutcome } from '../runtime/http.js';
import { fail, pass, warn, type ReadOnlyCheckModule, type Zod } from './types.js';
import { checkBase, fields } from './spec-base.js';

export interface HttpFacts {
  running: boolean;
  exists: boolean;
  binding?: PortBinding;
  outcome?: HttpOutcome;
}

const LOOPBACK = '127.0.0.1';

/** The lesson line of a `http` check. */
export const httpEndpointSpec = (z: Zod) =>
  z.object({
    kind: z.literal('http'),
    ...checkBase(z),
    container: z.string().min(1),
    /** The container port; the check reaches it through its 127.0.0.1 binding. */
    port: fields.port(z),
    path: z.string().startsWith('/'),
    status: z.number().int().default(200),
    /** Text the body must contain. */
    contains: z.string().optional(),
  });

export const httpEndpoint: ReadOnlyCheckModule<typeof httpEndpointSpec, HttpFacts> = {
  kind: 'http',
  spec: httpEndpointSpec,
  effect: 'read-only',

  async observe(spec, { docker, http }) {
    const container = await docker.inspectContainer(spec.container);
    if (!container) return { exists: false, running: false };
    const bindings = container.ports.filter((port) => port.containerPort === spec.port);
    const binding = bindings.find((port) => port.hostIp === LOOPBACK) ?? bindings.find((port) => ['0.0.0.0', ''].includes(port.hostIp));
    if (!container.running || !binding) return { exists: true, running: container.running, ...(binding ? { binding } : {}) };
    const outcome = await http.request(`http://${LOOPBACK}:${binding.hostPort}${spec.path}`);
    return { exists: true, running: true, binding, outcome };
  },

  settling: ({ running, binding, outcome }) => running && binding !== undefined && outcome?.ok === false,

  judge(spec, { exists, running, binding, outcome }) {
    const name = spec.container;
    if (!exists || !running) return fail(`${name} is not running, so ${spec.path} cannot answer.`, `\`docker ps -a --filter name=${name}\` shows its state.`);
    if (!binding) {
      return fail(`Port ${spec.port} of ${name} is not published.`, `Run it with \`-p ${LOOPBACK}:${spec.port}:${spec.port}\`; \`docker port ${name}\` shows what is published.`);
    }
    const url = `http://${LOOPBACK}:${binding.hostPort}${spec.path}`;
    if (!outcome || !outcome.ok) {
      return fail(`${url} does not answer${outcome ? ` (${outcome.error})` : ''}.`, `\`docker logs ${name}\` shows whether the service started.`);
    }
    if (outcome.status !== spec.status) {
      return fail(`${url} answered ${outcome.status}, not ${spec.status}.`, `\`curl -i ${url}\` shows the whole answer.`);
    }
    if (spec.contains && !outcome.body.includes(spec.contains)) {
      return fail(`${url} answered without "${spec.contains}".`, `\`curl ${url}\` shows what it says.`);
    }
    if (binding.hostIp !== LOOPBACK) {
      return warn(`${url} answers, but port ${spec.port} is published on every interface.`, `Publish it on loopback only: \`-p ${LOOPBACK}:${spec.port}:${spec.port}\`.`);
    }
    return pass(`${url} answers ${outcome.status}${spec.contains ? ` with "${spec.contains}"` : ''}.`);
  },
};
