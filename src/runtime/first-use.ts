import { existsSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';
import { seconds } from '../format.js';
import type { DockerClient } from './docker.js';
import { PROBE_IMAGE, withTag } from './image-catalog.js';
import { inRepository, LAB_REGISTRY } from './repository.js';
import type { Shell } from './shell.js';

/**
 * A stage's images on first use: whatever the engine lacks is loaded from the classroom's bundle
 * when LAB_IMAGE_BUNDLE names one, and built otherwise, each step shown; where no registry
 * answers, the Debian base is made from Debian's archive (ensureBaseImage says so). Under another
 * DOCKER_REPOSITORY than the lab's registry, each lab image also gets the repository's name, unless
 * an image of that name is there already (the learner's own build is never replaced). Nothing is
 * printed when every image is there.
 */
export function firstUseImages(deps: { shell: Shell; docker: () => DockerClient; root: string; bundle?: string; repository?: string }) {
  return async (declared: string[], report: (text: string) => void, signal?: AbortSignal): Promise<void> => {
    await labImages(declared, report, signal);
    const repository = deps.repository ?? LAB_REGISTRY;
    const docker = deps.docker();
    for (const reference of declared) {
      const named = inRepository(reference, repository);
      if (named === reference || (await docker.inspectImage(withTag(named)))) continue;
      const command = `docker tag ${withTag(reference)} ${withTag(named)}`;
      report(`$ ${command}\n`);
      const tagged = await deps.shell.run(command, { cwd: deps.root, ...(signal ? { signal } : {}) });
      if (tagged.exitCode !== 0 && !tagged.cancelled) throw new EnvironmentError(`\`${command}\` failed (exit ${tagged.exitCode}).`, `Check that ${named} is a name this engine accepts (DOCKER_REPOSITORY=${repository}), or unset DOCKER_REPOSITORY to use the lab's registry.`);
    }
  };

  async function labImages(declared: string[], report: (text: string) => void, signal?: AbortSignal): Promise<void> {
    const docker = deps.docker();
    // On a remote engine the lab asks published ports from its probe, which runs from the lab's own image.
    const references = (await docker.site()).local || declared.includes(PROBE_IMAGE) ? declared : [...declared, PROBE_IMAGE];
    const missing = async () => (await Promise.all(references.map(async (reference) => ((await docker.inspectImage(withTag(reference))) ? [] : [reference])))).flat();
    const lacking = await missing();
    if (lacking.length === 0) return;
    const bundle = deps.bundle && existsSync(deps.bundle) ? deps.bundle : undefined;
    if (deps.bundle && !bundle) report(`LAB_IMAGE_BUNDLE names ${deps.bundle}, which is not there.\n`);
    report(`This engine does not have every image the stage runs yet (${lacking.join(', ')}): ${bundle ? `loading ${bundle}` : 'building what is missing (`lab images build --missing`)'}.\n`);
    if (bundle) {
      const { loadBundle } = await import('./image-bundle-file.js');
      const loaded = await loadBundle({ docker, file: bundle, ...(signal ? { signal } : {}) });
      report(`✔ loaded ${loaded.manifest.images.length} images from ${bundle} in ${seconds(loaded.durationMs)}\n`);
      if ((await missing()).length === 0) return;
    }
    // Loaded only when something is missing: a command on a ready engine never pays for them.
    const { buildImages } = await import('./images.js');
    await buildImages({
      shell: deps.shell,
      docker,
      root: deps.root,
      offline: false,
      images: references,
      onlyMissing: true,
      ...(signal ? { signal } : {}),
      onEvent(event) {
        if (event.type === 'base') report(`${event.line}\n`);
        else if (event.type === 'image-started') report(`$ ${event.command}\n`);
        else if (event.type === 'image-progress' && /^Step \d+\/\d+ : /.test(event.line)) report(`  [${event.step}/${event.total}] ${event.line.replace(/^Step \d+\/\d+ : /, '')}\n`);
        else if (event.type === 'image-finished') report(`✔ ${event.image} built in ${seconds(event.durationMs)}\n`);
      },
    });
  }
}
