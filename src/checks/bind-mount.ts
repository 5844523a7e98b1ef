import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerFacts } from '../runtime/docker.js';
import { engineSeesClientFiles } from '../runtime/engine-capabilities.js';
import { LB_IMAGE } from '../runtime/names.js';
import { fail, pass, warn, type ReadOnlyCheckModule, type Zod } from './types.js';
import { checkBase } from './spec-base.js';

export interface BindMountFacts {
  container?: ContainerFacts;
  /** The file as the container reads it through the mount; undefined when it cannot be read there. */
  inside?: string;
  /** The same path read on this machine (the lab's): undefined when there is no such file here. */
  here?: string;
  /** Whether the engine sees this machine's files: asked only when the container could not read the file. */
  clientFiles?: boolean;
}

/** The lesson line of a `bind-mount` check. */
export const bindMountSpec = (z: Zod) =>
  z.object({
    kind: z.literal('bind-mount'),
    ...checkBase(z),
    container: z.string().min(1),
    /** Where the container sees the folder. */
    target: z.string().startsWith('/'),
    /** A file the folder must hold, relative to it. */
    file: z.string().min(1),
    /** The command that runs the container as the lesson does, for the hints. */
    run: z.string().min(1),
    /** An image with `cat`, to ask whether the engine sees this machine's files when the container cannot say. */
    probeImage: z.string().default(LB_IMAGE),
  });

/**
 * A container reads a folder of the learner's machine through a read-only bind mount: the mount is
 * there, is a bind (not a volume), cannot be written through, and the file inside is the one here.
 */
export const bindMount: ReadOnlyCheckModule<typeof bindMountSpec, BindMountFacts> = {
  kind: 'bind-mount',
  spec: bindMountSpec,
  effect: 'read-only',

  async observe(spec, { docker }) {
    const container = await docker.inspectContainer(spec.container);
    if (!container) return withClientFiles({}, await engineSeesClientFiles(docker, spec.probeImage));
    const mount = container.mounts?.find((m) => m.destination === spec.target);
    const here = mount?.type === 'bind' && mount.source ? readIfThere(join(mount.source, spec.file)) : undefined;
    const read = container.running ? await docker.exec(spec.container, ['cat', `${spec.target}/${spec.file}`]) : undefined;
    const inside = read?.exitCode === 0 ? read.stdout : undefined;
    const facts: BindMountFacts = { container, ...(inside !== undefined ? { inside } : {}), ...(here !== undefined ? { here } : {}) };
    if (inside !== undefined || mount?.type !== 'bind') return facts;
    return withClientFiles(facts, await engineSeesClientFiles(docker, container.image));
  },

  judge(spec, facts) {
    return judgeBindMount(spec, facts);
  },
};

export const withClientFiles = <F extends object>(facts: F, clientFiles: boolean | undefined): F & { clientFiles?: boolean } =>
  clientFiles === undefined ? facts : { ...facts, clientFiles };

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** What a learner on an engine elsewhere is told: the step cannot be done there, so it is not held against them. */
export const elsewhere = (what: string) =>
  warn(
    `${what} This engine runs on another machine than the lab: a bind mount names a folder on the engine's machine, not on yours. Skipped.`,
    'Do this step with an engine on your own machine (Docker Desktop, or dockerd), or copy the folder to the engine\'s machine first.',
  );

export function judgeBindMount(spec: { container: string; target: string; file: string; run: string }, facts: BindMountFacts) {
  const { container, inside, here, clientFiles } = facts;
  const name = spec.container;
  if (!container) {
    if (clientFiles === false) return elsewhere(`There is no container named ${name}.`);
    return fail(`There is no container named ${name}.`, `Run it as the lesson does: \`${spec.run}\`.`);
  }
  const mount = container.mounts?.find((m) => m.destination === spec.target);
  if (!mount) {
    return fail(
      `${name} mounts nothing on ${spec.target}: what it reads there is in the container itself (the image's, or what \`docker cp\` put there), gone with it.`,
      `Remove it (\`docker rm -f ${name}\`) and run it with the folder mounted: \`${spec.run}\`.`,
    );
  }
  if (mount.type !== 'bind') {
    return fail(`${name} mounts the ${mount.type} ${mount.name ?? ''} on ${spec.target}, not a folder of this machine.`.replace(/ {2}/g, ' '), `A bind mount names a folder: \`${spec.run}\`.`);
  }
  if (!mount.readOnly) {
    return fail(
      `${name} can write to ${mount.source} through its mount: a container that only reads its configuration should not be able to change it.`,
      `Mount it read-only: \`readonly\` in --mount (or \`:ro\` after -v), then run it again: \`${spec.run}\`.`,
    );
  }
  if (inside === undefined) {
    if (clientFiles === false) return elsewhere(`${name} cannot read ${spec.target}/${spec.file} (${container.state}).`);
    return fail(
      `${name} is ${container.state} and cannot read ${spec.target}/${spec.file}: is ${mount.source}/${spec.file} there?`,
      `\`docker logs ${name}\` says why; \`ls ${mount.source}\` shows the folder.`,
    );
  }
  const same = here === undefined ? ' (on the engine\'s machine)' : here === inside ? ', the very file on this machine' : ' (it differs from the file here: edited since?)';
  return pass(`${name} reads ${mount.source}/${spec.file}${same}, read-only: change it there, then \`docker kill -s USR2 ${name}\`.`);
}
