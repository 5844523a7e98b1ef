import type { ContainerFacts } from '../runtime/docker.js';
import { engineSeesClientFiles } from '../runtime/engine-capabilities.js';
import { HAPROXY_LOG_FILE } from '../runtime/haproxy-config.js';
import { LB_IMAGE } from '../runtime/names.js';
import { sendRequests, type Served } from '../probes/requests.js';
import { elsewhere, withClientFiles } from './bind-mount.js';
import { parseHaproxyLog } from './haproxy-log.js';
import { fail, pass, type ReadOnlyCheckModule, type Zod } from './types.js';
import { checkBase } from './spec-base.js';

export interface LbLogVolumeFacts {
  container?: ContainerFacts;
  /** What the check's requests through the load balancer's port got back, in order. */
  served?: Served[];
  /** The log file's last lines, read through the volume's mount, after the requests. */
  lines?: string[];
  /** Whether the engine sees this machine's files: asked only when the container is not there. */
  clientFiles?: boolean;
}

const folder = HAPROXY_LOG_FILE.slice(0, HAPROXY_LOG_FILE.lastIndexOf('/'));
const fileName = HAPROXY_LOG_FILE.slice(folder.length + 1);

/** The lesson line of a `lb-log-volume` check. */
export const lbLogVolumeSpec = (z: Zod) =>
  z.object({
    kind: z.literal('lb-log-volume'),
    ...checkBase(z),
    container: z.string().min(1),
    volume: z.string().min(1),
    /** The requests sent through the container's published port 80, then looked for at the log's end. */
    requests: z.number().int().min(1).max(50).default(6),
    /** The command that runs the container as the lesson does, for the hints. */
    run: z.string().min(1),
  });

/**
 * HAProxy's log lives on a named volume: the container mounts the volume where the image appends its
 * log, and requests sent through it now are the last lines of the file there, naming the servers that
 * answered them in the order they did.
 */
export const lbLogVolume: ReadOnlyCheckModule<typeof lbLogVolumeSpec, LbLogVolumeFacts> = {
  kind: 'lb-log-volume',
  spec: lbLogVolumeSpec,
  effect: 'read-only',

  async observe(spec, { docker, http }) {
    const container = await docker.inspectContainer(spec.container);
    if (!container) return withClientFiles({}, await engineSeesClientFiles(docker, LB_IMAGE));
    const port = publishedPort(container);
    if (!container.running || port === undefined || !onVolume(container, spec.volume)) return { container };
    const served = await sendRequests(http, port, spec.requests);
    const deadline = Date.now() + 2_000;
    for (;;) {
      const read = await docker.exec(spec.container, ['tail', '-n', String(spec.requests + 50), HAPROXY_LOG_FILE]);
      const lines = read.exitCode === 0 ? read.stdout.split('\n').filter(Boolean) : [];
      // HAProxy writes a request's line once its answer has gone out: look again for a moment.
      if (lastRequests(lines, served.length).length >= served.length || Date.now() > deadline) return { container, served, lines };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  },

  judge(spec, facts) {
    return judgeLbLogVolume(spec, facts);
  },
};

const publishedPort = (container: ContainerFacts) => container.ports.find((p) => p.containerPort === 80 && p.hostIp === '127.0.0.1')?.hostPort;
const onVolume = (container: ContainerFacts, volume: string) => container.mounts?.some((m) => m.destination === folder && m.type === 'volume' && m.name === volume) ?? false;

/** The servers of the log's last `count` request lines, oldest first. */
function lastRequests(lines: string[], count: number): string[] {
  return parseHaproxyLog(lines)
    .flatMap((event) => (event.type === 'request' ? [event.server] : []))
    .slice(-count);
}

export function judgeLbLogVolume(spec: { container: string; volume: string; run: string }, facts: LbLogVolumeFacts) {
  const { container, served, lines, clientFiles } = facts;
  const name = spec.container;
  if (!container) {
    if (clientFiles === false) return elsewhere(`There is no container named ${name}: it needs the step before (a bind mount).`);
    return fail(`There is no container named ${name}.`, `Run it as the lesson does: \`${spec.run}\`.`);
  }
  const mount = container.mounts?.find((m) => m.destination === folder);
  if (!onVolume(container, spec.volume)) {
    const what = !mount ? 'nothing' : mount.type === 'volume' ? `the volume ${mount.name}` : `the ${mount.type} ${mount.source ?? ''}`.trim();
    return fail(
      `${name} mounts ${what} on ${folder}: its log (${fileName}) is not on the volume ${spec.volume}, and goes with the container.`,
      `Remove it (\`docker rm -f ${name}\`) and run it with \`-v ${spec.volume}:${folder}\`: \`${spec.run}\`.`,
    );
  }
  if (!container.running) return fail(`${name} is ${container.state}.`, `\`docker logs ${name}\` says why.`);
  const port = publishedPort(container);
  if (port === undefined) return fail(`${name} publishes no port 80 on 127.0.0.1, so no request can be sent through it.`, `\`${spec.run}\` publishes it.`);
  const errors = (served ?? []).filter((s): s is { error: string } => 'error' in s);
  if (errors.length > 0) return fail(`${errors.length} of ${served?.length ?? 0} requests through ${name} (127.0.0.1:${port}) failed: ${errors[0]!.error}.`, `\`docker logs ${name}\` shows what HAProxy did with them.`);
  const sent = (served ?? []).map((s) => ('server' in s ? s.server : '?'));
  const logged = lastRequests(lines ?? [], sent.length);
  if (logged.join(' ') !== sent.join(' ')) {
    return fail(
      `The ${sent.length} requests just sent through ${name} (answered by ${sent.join(', ')}) are not the last lines of ${fileName} on the volume ${spec.volume}${logged.length ? ` (it ends with ${logged.join(', ')})` : lines?.length ? '' : ', which is empty or missing'}.`,
      `Its configuration must log to the file too (\`log fd@3\`, as \`lab deploy -l\` writes it): \`docker exec ${name} grep -n log /usr/local/etc/haproxy/haproxy.cfg\`.`,
    );
  }
  return pass(`The ${sent.length} requests just sent through ${name} end ${fileName} on the volume ${spec.volume}, naming the servers that answered: ${sent.join(', ')}.`);
}
