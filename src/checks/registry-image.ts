import { fail, pass, type ReadOnlyCheckModule, type Zod } from './types.js';
import { checkBase } from './spec-base.js';
import { LABEL_MANAGED } from '../runtime/names.js';
import { splitRepository } from '../runtime/repository.js';

export interface RegistryImageFacts {
  reference: string;
  local?: { labels: Record<string, string>; repoDigests: string[] };
  /** Registry's answer for the tag: its digest, or why there is none. */
  remote: { state: 'present'; digest: string } | { state: 'missing' } | { state: 'unreachable'; error: string };
}

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');

/** The registry as reached from the host: `localhost:5000` → `http://127.0.0.1:5000`. */
export const registryUrl = (registry: string): string => `http://${registry.replace(/^localhost(?=:|$)/, '127.0.0.1')}`;

/** The lesson line of a `registry-image` check. */
export const registryImageSpec = (z: Zod) =>
  z.object({
    kind: z.literal('registry-image'),
    ...checkBase(z),
    /** Repository name in the registry, e.g. `simple-server`. */
    repository: z.string().min(1),
    tag: z.string().default('latest'),
    /** host:port of the registry as the learner pushes to it, with the path in it if any (DOCKER_REPOSITORY). */
    registry: z.string().default('localhost:5000'),
  });

export const registryImage: ReadOnlyCheckModule<typeof registryImageSpec, RegistryImageFacts> = {
  kind: 'registry-image',
  spec: registryImageSpec,
  effect: 'read-only',

  async observe(spec, { docker, http }) {
    const reference = `${spec.registry}/${spec.repository}:${spec.tag}`;
    const image = await docker.inspectImage(reference);
    const local = image ? { labels: image.labels, repoDigests: image.repoDigests } : undefined;
    // DOCKER_REPOSITORY may name a path in the registry (`localhost:5000/team`): the image's name in it begins with that path.
    const { registry, path } = splitRepository(spec.registry);
    const answer = await http.request(`${registryUrl(registry)}/v2/${path ? `${path}/` : ''}${spec.repository}/manifests/${spec.tag}`, {
      method: 'HEAD',
      headers: { Accept: MANIFEST_TYPES },
    });
    const remote: RegistryImageFacts['remote'] = !answer.ok
      ? { state: 'unreachable', error: answer.error }
      : answer.status === 200
        ? { state: 'present', digest: answer.headers['docker-content-digest'] ?? '' }
        : { state: 'missing' };
    return { reference, ...(local ? { local } : {}), remote };
  },

  judge(spec, { reference, local, remote }) {
    const repository = `${spec.registry}/${spec.repository}`;
    if (!local) {
      return fail(`The image ${reference} is not built on this engine.`, `Build it with \`docker build -t ${repository} …\` as the lesson shows; \`docker images ${repository}\` lists what you have.`);
    }
    if (local.labels[LABEL_MANAGED] !== 'true') {
      return fail(`${reference} was not built from the lab's Dockerfile: it has no ${LABEL_MANAGED} label.`, `Rebuild it from the lab's Dockerfile; \`docker inspect -f '{{json .Config.Labels}}' ${reference}\` shows its labels.`);
    }
    if (remote.state === 'unreachable') {
      return fail(`The registry at ${spec.registry} does not answer (${remote.error}).`, '`docker ps --filter name=simple-registry` shows whether it runs; `docker logs simple-registry` shows why it stopped.');
    }
    if (remote.state === 'missing') {
      return fail(`The registry at ${spec.registry} has no ${spec.repository}:${spec.tag}.`, `Push it: \`docker push ${repository}:${spec.tag}\`.`);
    }
    const pushed = local.repoDigests.some((digest) => digest === `${repository}@${remote.digest}`);
    if (!pushed) {
      return fail(`The registry holds a different build of ${spec.repository}:${spec.tag} than this engine has.`, `Push the image you built: \`docker push ${repository}:${spec.tag}\`.`);
    }
    return pass(`${reference} is built with lab labels and pushed (${remote.digest.slice(0, 19)}).`);
  },
};
