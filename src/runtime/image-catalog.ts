/**
 * The lab's images and how each is built: pure data. Which of them a stage needs is the stage's own
 * `images:` list (stage.yaml); this says where each one's Dockerfile is and what it is built FROM.
 */

/** Every lab Dockerfile that starts from Debian starts `FROM` this (its `BASE_IMAGE` default). */
export const BASE_IMAGE = 'debian:bookworm-slim';

/** An image the lab builds: paths are relative to the project root, as the learner types them. */
export interface LabImage {
  name: string;
  reference: string;
  dockerfile: string;
  context: string;
  /** The images its Dockerfile builds FROM (or copies from): they are built first. */
  from: string[];
  /** A command run from the project root before `docker build`: the build step making what the Dockerfile copies. */
  prepare?: string;
}

/** The example service's build step (the article's dev script): packs server.py into build/simple-server.pyz. */
export const SERVICE_BUILD_COMMAND = 'node example-service/build.mjs';

/** In build order: every image after the ones it is built from. */
export const LAB_IMAGES: LabImage[] = [
  { name: 'python', reference: 'dockerlab/python', dockerfile: 'dockerfiles/python/Dockerfile', context: 'dockerfiles/python', from: [BASE_IMAGE] },
  { name: 'simple-server', reference: 'localhost:5000/simple-server', dockerfile: 'dockerfiles/simple-server/Dockerfile', context: 'example-service', from: ['dockerlab/python'], prepare: SERVICE_BUILD_COMMAND },
  { name: 'registry', reference: 'dockerlab/registry', dockerfile: 'dockerfiles/registry/Dockerfile', context: 'dockerfiles/registry', from: [BASE_IMAGE] },
  { name: 'simple-haproxy', reference: 'localhost:5000/simple-haproxy', dockerfile: 'dockerfiles/simple-haproxy/Dockerfile', context: 'dockerfiles/simple-haproxy', from: [BASE_IMAGE] },
  { name: 'simple-consul', reference: 'localhost:5000/simple-consul', dockerfile: 'dockerfiles/simple-consul/Dockerfile', context: 'consul', from: [BASE_IMAGE] },
  {
    name: 'simple-haproxy-consul',
    reference: 'localhost:5000/simple-haproxy-consul',
    dockerfile: 'dockerfiles/simple-haproxy-consul/Dockerfile',
    context: 'consul',
    from: ['localhost:5000/simple-haproxy', 'localhost:5000/simple-consul'],
  },
  { name: 'host', reference: 'dockerlab/host', dockerfile: 'dockerfiles/host/Dockerfile', context: 'dockerfiles/host', from: [BASE_IMAGE] },
];

/** The lab's own image for looking from the engine's side (requests to published ports on a remote engine). */
export const PROBE_IMAGE = 'dockerlab/python';

export const labImage = (reference: string): LabImage | undefined => LAB_IMAGES.find((image) => image.reference === reference);

/**
 * The images to have for these references: each with everything it is built from, the base first,
 * then in build order. References the catalog does not know are kept as given (at the end).
 */
export function withAncestors(references: Iterable<string>): string[] {
  const wanted = new Set<string>();
  const visit = (reference: string): void => {
    if (wanted.has(reference)) return;
    wanted.add(reference);
    for (const parent of labImage(reference)?.from ?? []) visit(parent);
  };
  for (const reference of references) visit(reference);
  const order = [BASE_IMAGE, ...LAB_IMAGES.map((image) => image.reference)];
  return [...order.filter((reference) => wanted.has(reference)), ...[...wanted].filter((reference) => !order.includes(reference))];
}

/** `localhost:5000/simple-server` → `localhost:5000/simple-server:latest`: `docker save` of a bare name would take every tag of it. */
export function withTag(reference: string): string {
  const lastPart = reference.slice(reference.lastIndexOf('/') + 1);
  return lastPart.includes(':') || lastPart.includes('@') ? reference : `${reference}:latest`;
}
