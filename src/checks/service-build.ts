import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerFacts } from '../runtime/docker.js';
import { packageRoot } from '../runtime/paths.js';
import { fail, pass, type ReadOnlyCheckModule, type Zod } from './types.js';
import { checkBase } from './spec-base.js';

/** build/build-info.json as example-service/build.mjs writes it. */
export interface BuildInfo {
  artifact: string;
  sha256: string;
  sources: Record<string, string>;
  builtAt: string;
}

export interface ServiceBuildFacts {
  /** The build's record; `corrupt` when the file is there but not one; undefined when there is none. */
  info?: BuildInfo | 'corrupt';
  /** SHA-256 of the artifact on this machine; undefined when it is not there. */
  artifactSha?: string;
  /** SHA-256 of each source the build recorded, as the file is now (undefined: gone). */
  sourcesNow: Record<string, string | undefined>;
  container?: ContainerFacts;
  /** SHA-256 of the artifact inside the running container; undefined when it could not be read there. */
  inside?: string;
}

/** The lesson line of a `service-build` check. */
export const serviceBuildSpec = (z: Zod) =>
  z.object({
    kind: z.literal('service-build'),
    ...checkBase(z),
    /** The service's folder, relative to the lab's: its build/ holds the artifact and build-info.json. */
    folder: z.string().default('example-service'),
    /** The dev script that makes the artifact, for the hints. */
    build: z.string().default('node example-service/build.mjs'),
    /** A container that must run this very artifact (its image copied it), at `path`. */
    container: z.string().optional(),
    path: z.string().default('/app/simple-server.pyz'),
  });

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

function readIfThere(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function parseInfo(text: Buffer | undefined): BuildInfo | 'corrupt' | undefined {
  if (text === undefined) return undefined;
  try {
    const info = JSON.parse(text.toString('utf8')) as Partial<BuildInfo>;
    const fine = typeof info.artifact === 'string' && typeof info.sha256 === 'string' && typeof info.sources === 'object' && info.sources !== null;
    return fine ? (info as BuildInfo) : 'corrupt';
  } catch {
    return 'corrupt';
  }
}

/**
 * The article's build step happened and is current: the dev script made the artifact from the
 * sources as they are now, and (with `container`) the running container runs that very artifact,
 * so the image was built after the build and copied it. Files are read here, on the learner's
 * machine, where the build ran; the container's copy is hashed inside it.
 */
export const serviceBuild: ReadOnlyCheckModule<typeof serviceBuildSpec, ServiceBuildFacts> = {
  kind: 'service-build',
  spec: serviceBuildSpec,
  effect: 'read-only',

  async observe(spec, { docker }) {
    const folder = join(packageRoot, spec.folder);
    const info = parseInfo(readIfThere(join(folder, 'build', 'build-info.json')));
    const artifact = readIfThere(join(folder, 'build', typeof info === 'object' ? info.artifact : 'simple-server.pyz'));
    const sourcesNow = Object.fromEntries(
      Object.keys(typeof info === 'object' ? info.sources : {}).map((name) => {
        const data = readIfThere(join(folder, name));
        return [name, data === undefined ? undefined : sha256(data)];
      }),
    );
    const facts: ServiceBuildFacts = { ...(info !== undefined ? { info } : {}), ...(artifact ? { artifactSha: sha256(artifact) } : {}), sourcesNow };
    if (spec.container === undefined) return facts;
    const container = await docker.inspectContainer(spec.container);
    if (!container?.running) return { ...facts, ...(container ? { container } : {}) };
    const read = await docker.exec(spec.container, ['sha256sum', spec.path]);
    const inside = read.exitCode === 0 ? read.stdout.trim().split(/\s+/)[0] : undefined;
    return { ...facts, container, ...(inside ? { inside } : {}) };
  },

  judge(spec, facts) {
    return judgeServiceBuild(spec, facts);
  },

  // A build is done by hand, not by waiting.
  retryable: () => false,
};

export function judgeServiceBuild(
  spec: { folder: string; build: string; container?: string | undefined; path: string },
  { info, artifactSha, sourcesNow, container, inside }: ServiceBuildFacts,
) {
  const buildDir = `${spec.folder}/build`;
  if (info === undefined || artifactSha === undefined) {
    return fail(`There is no build of the service in ${buildDir}/ yet: the Dockerfile has nothing to copy.`, `Run the build step first: \`${spec.build}\`.`);
  }
  if (info === 'corrupt') return fail(`${buildDir}/build-info.json is not the build's record.`, `Build again: \`${spec.build}\` writes it anew.`);
  if (info.sha256 !== artifactSha) {
    return fail(`${buildDir}/${info.artifact} is not the file the last build wrote (its hash differs from build-info.json).`, `Build again: \`${spec.build}\`.`);
  }
  const changed = Object.entries(sourcesNow).filter(([name, now]) => now !== info.sources[name]).map(([name]) => name);
  if (changed.length > 0) {
    return fail(`${changed.join(', ')} changed since the last build: ${buildDir}/${info.artifact} is stale.`, `Build again (\`${spec.build}\`), then the image.`);
  }
  const built = `${buildDir}/${info.artifact} (sha256 ${info.sha256.slice(0, 12)}) is built from the current ${Object.keys(info.sources).join(', ')}`;
  if (spec.container === undefined) return pass(`${built}.`);
  const name = spec.container;
  if (!container) return fail(`${built}, but there is no container named ${name}.`, 'Run it as the lesson does.');
  if (!container.running) return fail(`${built}, but ${name} is ${container.state}.`, `\`docker start ${name}\` starts it again.`);
  if (inside === undefined) return fail(`${name} has no ${spec.path}: its image was not built from the artifact.`, 'Build the image again with the lesson\'s Dockerfile (it copies build/), push it, and run the container anew.');
  if (inside !== info.sha256) {
    return fail(
      `${name} runs another build (sha256 ${inside.slice(0, 12)}) than ${buildDir}/${info.artifact} (${info.sha256.slice(0, 12)}).`,
      'Build the image again after the build step (`docker build …`), push it, then replace the container: a container keeps the image it was made from.',
    );
  }
  return pass(`${built}, and ${name} runs that very file (${spec.path}).`);
}
