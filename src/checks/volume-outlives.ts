import type { ContainerFacts } from '../runtime/docker.js';
import { fail, pass, type ReadOnlyCheckModule, type Zod } from './types.js';
import { checkBase } from './spec-base.js';
import { splitRepository } from '../runtime/repository.js';

export interface VolumeOutlivesFacts {
  container?: ContainerFacts;
  /** When the data file was last written (ms since the epoch), read inside the container; undefined when it is not there. */
  writtenMs?: number;
}

/** The lesson line of a `volume-outlives` check. */
export const volumeOutlivesSpec = (z: Zod) =>
  z.object({
    kind: z.literal('volume-outlives'),
    ...checkBase(z),
    container: z.string().default('simple-registry'),
    volume: z.string().default('simple-registry-data'),
    /** Where the container mounts the volume. */
    path: z.string().default('/var/lib/docker-registry'),
    /** The image pushed to the registry, as the learner names it (`$DOCKER_REPOSITORY/simple-server`). */
    image: z.string().default('localhost:5000/simple-server'),
    /** A file of the data, relative to `path`, written when the data was; default the pushed image's tag link. */
    file: z.string().optional(),
  });

/** The registry's own record of a pushed `latest` tag (the file a push writes last), for the image's name in the registry. */
const tagLink = (image: string): string => `docker/registry/v2/repositories/${splitRepository(image).path}/_manifests/tags/latest/current/link`;

/**
 * Data on a named volume outlives the container that wrote it: the container running now mounts the
 * volume and was created after the data was written, so the data came through a container's removal.
 */
export const volumeOutlives: ReadOnlyCheckModule<typeof volumeOutlivesSpec, VolumeOutlivesFacts> = {
  kind: 'volume-outlives',
  spec: volumeOutlivesSpec,
  effect: 'read-only',

  async observe(spec, { docker }) {
    const container = await docker.inspectContainer(spec.container);
    if (!container?.running) return container ? { container } : {};
    const stat = await docker.exec(spec.container, ['stat', '-c', '%Y', `${spec.path}/${spec.file ?? tagLink(spec.image)}`]);
    const seconds = Number(stat.stdout.trim());
    return { container, ...(stat.exitCode === 0 && Number.isFinite(seconds) ? { writtenMs: seconds * 1000 } : {}) };
  },

  judge(spec, facts) {
    return judgeVolumeOutlives(spec, facts);
  },
};

const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

export function judgeVolumeOutlives(given: { container: string; volume: string; path: string; image: string }, { container, writtenMs }: VolumeOutlivesFacts) {
  // The image's name in its registry: `localhost:5000/team/simple-server` → `team/simple-server:latest`.
  const spec = { ...given, data: `${splitRepository(given.image).path}:latest` };
  const name = spec.container;
  if (!container) return fail(`There is no container named ${name}.`, 'Opening the stage starts the registry (`lab open single-host`).');
  if (!container.running) return fail(`${name} is ${container.state}.`, `\`docker start ${name}\` starts it again.`);
  const mount = container.mounts?.find((m) => m.destination === spec.path);
  if (mount?.type !== 'volume' || mount.name !== spec.volume) {
    return fail(
      `${name} does not keep ${spec.path} on the volume ${spec.volume}: its data would go with the container.`,
      `Run it with \`-v ${spec.volume}:${spec.path}\`, as the lesson does.`,
    );
  }
  if (writtenMs === undefined) return fail(`${spec.data} is not in ${name}'s data yet.`, `Push it first (\`docker push ${spec.image}\`).`);
  const createdMs = Date.parse(container.created ?? '');
  if (!(createdMs > writtenMs)) {
    return fail(
      `${name} (created ${clock(createdMs)}) is the container ${spec.data} was pushed to (${clock(writtenMs)}): nothing has outlived a container yet.`,
      `Remove it and run a new one on the same volume (\`docker rm -f ${name}\`, then the lesson's \`docker run … -v ${spec.volume}:${spec.path} …\`): ${spec.data} is still there.`,
    );
  }
  return pass(`${name}, created at ${clock(createdMs)}, serves ${spec.data}, pushed at ${clock(writtenMs)} to the container before it: the data lives on the volume ${spec.volume}.`);
}
