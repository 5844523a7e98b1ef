/**
 * DOCKER_REPOSITORY, as the article's scripts read it: where the service's images are tagged, pushed
 * and run from. Unset, it is the lab's registry, `localhost:5000`. The lab builds its images under
 * the registry's names (LAB_REGISTRY/simple-server…); under another repository the same image also
 * carries that repository's name (`127.0.0.1:5000/team/simple-server`), and lessons, `lab deploy` and
 * the checks name it so.
 */
import { UsageError } from '../errors.js';

/** The lab's registry as the host reaches it: the repository when DOCKER_REPOSITORY is unset. */
export const LAB_REGISTRY = 'localhost:5000';
/** How lessons write the repository, in commands (the shell expands it) and in stage.yaml (the loader does). */
export const REPOSITORY_VARIABLE = 'DOCKER_REPOSITORY';

// A registry host (a name or an IPv4 address, with an optional port), then optional path parts, all
// in lower case: what `docker tag` accepts in front of an image's own name.
const PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST = '[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?';
const REPOSITORY = new RegExp(`^${HOST}(?:/${PART})*$`);

/** The repository to use: DOCKER_REPOSITORY when set (trailing slashes dropped), else the lab's registry. */
export function dockerRepository(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env[REPOSITORY_VARIABLE];
  if (raw === undefined || raw.trim() === '') return LAB_REGISTRY;
  const repository = raw.trim().replace(/\/+$/, '');
  if (!REPOSITORY.test(repository)) {
    throw new UsageError(
      `${REPOSITORY_VARIABLE}=${JSON.stringify(raw)} is not a repository Docker can tag images in.`,
      `Set it to a registry and an optional path in lower case, e.g. \`export ${REPOSITORY_VARIABLE}=${LAB_REGISTRY}\` (the lab's registry) or \`${LAB_REGISTRY}/team\`, or unset it.`,
    );
  }
  return repository;
}

/** The registry part of a repository (`localhost:5000/team` → `localhost:5000`) and the path in it (`team`). */
export function splitRepository(repository: string): { registry: string; path: string } {
  const slash = repository.indexOf('/');
  return slash < 0 ? { registry: repository, path: '' } : { registry: repository.slice(0, slash), path: repository.slice(slash + 1) };
}

/** A lab image named in the repository: `localhost:5000/simple-server` → `127.0.0.1:5000/team/simple-server`. Other images are kept. */
export function inRepository(reference: string, repository: string): string {
  const prefix = `${LAB_REGISTRY}/`;
  return reference.startsWith(prefix) ? `${repository}/${reference.slice(prefix.length)}` : reference;
}

/** `$DOCKER_REPOSITORY` and `${DOCKER_REPOSITORY}` in a lesson's text, replaced by the repository. */
export function expandRepository(text: string, repository: string): string {
  return text.replace(/\$\{DOCKER_REPOSITORY\}|\$DOCKER_REPOSITORY(?![A-Za-z0-9_])/g, repository);
}
