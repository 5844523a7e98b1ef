import { fail, pass, type ReadOnlyCheckModule, type Zod } from './types.js';
import { checkBase } from './spec-base.js';

export interface ContainerLogFacts {
  exists: boolean;
  running: boolean;
  lines: string[];
}

/** The lesson line of a `container-log` check. */
export const containerLogSpec = (z: Zod) =>
  z.object({
    kind: z.literal('container-log'),
    ...checkBase(z),
    container: z.string().min(1),
    /** A regular expression one log line must match. */
    pattern: z.string().min(1),
  });

export const containerLog: ReadOnlyCheckModule<typeof containerLogSpec, ContainerLogFacts> = {
  kind: 'container-log',
  spec: containerLogSpec,
  effect: 'read-only',

  async observe(spec, { docker }) {
    const container = await docker.inspectContainer(spec.container);
    return { exists: container !== undefined, running: container?.running ?? false, lines: container ? await docker.logs(spec.container, 500) : [] };
  },

  settling: ({ running, lines }) => running && lines.length === 0,

  judge(spec, { exists, lines }) {
    const name = spec.container;
    if (!exists) return fail(`There is no container named ${name} to read the log of.`, '`docker ps -a` lists the containers there are.');
    const pattern = new RegExp(spec.pattern);
    const line = lines.find((candidate) => pattern.test(candidate));
    if (!line) {
      const last = lines.at(-1);
      return fail(
        `${name}'s log has no line matching /${spec.pattern}/${last ? `; its last line is "${last}"` : ' (the log is empty)'}.`,
        `\`docker logs ${name}\` shows the whole log.`,
      );
    }
    return pass(`${name}'s log says "${line.trim()}".`);
  },
};
