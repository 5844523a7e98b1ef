import type { ContainerFacts } from '../runtime/docker.js';
import { fail, pass, type ReadOnlyCheckModule, type Zod } from './types.js';
import { checkBase } from './spec-base.js';

export interface ContainerRunningFacts {
  container?: ContainerFacts;
}

/** `localhost:5000/simple-server` and `localhost:5000/simple-server:latest` name the same image. */
export const sameImage = (a: string, b: string): boolean => withTag(a) === withTag(b);
const withTag = (reference: string): string => (/:[^/]+$/.test(reference) ? reference : `${reference}:latest`);

/** The lesson line of a `container-running` check. */
export const containerRunningSpec = (z: Zod) =>
  z.object({
    kind: z.literal('container-running'),
    ...checkBase(z),
    container: z.string().min(1),
    /** The image the container must run, as given to `docker run`. */
    image: z.string().optional(),
  });

export const containerRunning: ReadOnlyCheckModule<typeof containerRunningSpec, ContainerRunningFacts> = {
  kind: 'container-running',
  spec: containerRunningSpec,
  effect: 'read-only',

  async observe(spec, { docker }) {
    const container = await docker.inspectContainer(spec.container);
    return container ? { container } : {};
  },

  judge(spec, { container }) {
    const name = spec.container;
    if (!container) {
      return fail(`There is no container named ${name}.`, `\`docker ps -a\` lists the containers there are; start ${name} as the lesson shows.`);
    }
    if (spec.image && !sameImage(container.image, spec.image)) {
      return fail(`${name} runs the image ${container.image}, not ${spec.image}.`, `Remove it (\`docker rm -f ${name}\`) and run it again from ${spec.image}.`);
    }
    if (!container.running) {
      return fail(`${name} is ${container.state} (exit code ${container.exitCode}).`, `\`docker logs ${name}\` shows why it stopped; \`docker start ${name}\` starts it again.`);
    }
    return pass(`${name} is running${spec.image ? ` from ${spec.image}` : ''}.`);
  },
};
