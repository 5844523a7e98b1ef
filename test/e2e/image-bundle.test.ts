import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLessons } from '../../src/lessons/load.js';
import { createDockerClient } from '../../src/runtime/docker.js';
import { readBundle } from '../../src/runtime/image-bundle-file.js';
import { imagesNeeded, withTag } from '../../src/runtime/image-bundle.js';
import { buildCommand, LAB_IMAGES } from '../../src/runtime/images.js';
import { createShell } from '../../src/runtime/shell.js';
import { freshStateDir, runLab, type LabRun } from '../helpers/run-lab.js';

const docker = createDockerClient();
const root = process.cwd();
const TRACK_IMAGES = imagesNeeded(loadLessons(join(process.cwd(), 'lessons')));
/** The only images this test takes away; the base and anything a container uses are left alone. */
const REMOVABLE = ['localhost:5000/simple-server', 'dockerlab/registry'];

/** Every layer step of a classic-builder build came from the cache (ARG and FROM make no layer). */
/** Every step after the first FROM (an ARG there too) reused a layer: FROM, and an ARG before it, make none. */
const everyStepCached = (output: string): boolean => {
  const stepLines = output.split('\n').filter((line) => /^Step \d+\/\d+ : /.test(line));
  const firstFrom = stepLines.findIndex((line) => /^Step \d+\/\d+ : FROM /.test(line));
  const steps = stepLines.slice(firstFrom + 1).filter((line) => !/^Step \d+\/\d+ : FROM /.test(line)).length;
  return steps > 0 && (output.match(/---> Using cache/g) ?? []).length === steps;
};

const idOf = async (reference: string): Promise<string | undefined> => (await docker.inspectImage(withTag(reference)))?.id;

/** `docker rmi REFERENCE` without force: the engine refuses (409) while any container uses the image. */
async function removeIfUnused(reference: string): Promise<boolean> {
  try {
    await docker.api.getImage(withTag(reference)).remove();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 409) return false;
    throw error;
  }
}

/**
 * The offline classroom on the real engine: save the track's images, take the lab's own away, refuse
 * a truncated bundle, load the whole one, and solve stage 1 from it with the build cache alone.
 */
describe('lab images save and load (real engine)', () => {
  const env = { LAB_STATE_DIR: freshStateDir() };
  const dir = mkdtempSync(join(tmpdir(), 'lab-bundle-e2e-'));
  const bundle = join(dir, 'classroom.tar');
  const before = new Map<string, string | undefined>();
  const removed: string[] = [];
  const timings: Record<string, number> = {};
  let save: LabRun;

  beforeAll(async () => {
    await runLab(['reset', 'single-host'], env);
    for (const reference of TRACK_IMAGES) before.set(reference, await idOf(reference));
    const started = Date.now();
    save = await runLab(['images', 'save', bundle], env);
    timings.saveMs = Date.now() - started;
  }, 120_000);

  afterAll(async () => {
    await runLab(['reset', 'single-host'], env);
    rmSync(dir, { recursive: true, force: true });
    const size = (timings.bundleBytes ?? 0) / 1024 / 1024;
    process.stdout.write(`\nbundle ${size.toFixed(1)} MiB; save ${timings.saveMs} ms; load ${timings.loadMs} ms; removed before load: ${removed.join(', ') || 'none (all in use)'}\n`);
  }, 120_000);

  it('writes one tarball whose manifest names every image of the track with its id', async () => {
    expect({ code: save.code, output: save.output }).toMatchObject({ code: 0 });
    expect(save.stdout).toMatch(/MiB written/);
    const { manifest } = await readBundle(bundle);
    expect(manifest.images.map((image) => [image.reference, image.id])).toEqual(TRACK_IMAGES.map((reference) => [reference, before.get(reference)]));
    expect(manifest.buildCache.length).toBeGreaterThan(0);
    timings.bundleBytes = statSync(bundle).size;
  });

  it('refuses a truncated bundle with exit 2 and loads nothing', async () => {
    for (const reference of REMOVABLE) if (await removeIfUnused(reference)) removed.push(reference);
    const truncated = join(dir, 'truncated.tar');
    writeFileSync(truncated, readFileSync(bundle).subarray(0, Math.floor(statSync(bundle).size / 2)));
    const run = await runLab(['images', 'load', truncated], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is truncated');
    expect(run.stderr).toContain('Nothing was loaded');
    for (const reference of removed) expect(await idOf(reference)).toBeUndefined();
  }, 60_000);

  it('loads the bundle back, and every image has the id it had', async () => {
    const started = Date.now();
    const run = await runLab(['images', 'load', bundle], env);
    timings.loadMs = Date.now() - started;
    expect({ code: run.code, output: run.output }).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`is whole: ${TRACK_IMAGES.length} images`);
    for (const reference of TRACK_IMAGES) expect(await idOf(reference)).toBe(before.get(reference));
  }, 120_000);

  it('rebuilds each image it took away from the loaded build cache alone', async () => {
    for (const reference of removed) {
      const image = LAB_IMAGES.find((candidate) => candidate.reference === reference)!;
      let output = '';
      const build = await createShell().run(buildCommand(image), { cwd: root, onOutput: (text) => (output += text) });
      expect({ exitCode: build.exitCode, output }).toMatchObject({ exitCode: 0 });
      expect({ reference, cached: everyStepCached(output) }).toEqual({ reference, cached: true });
      expect(await idOf(reference)).toBe(before.get(reference));
    }
  }, 120_000);

  it('solves single-host from the loaded images: the learner\'s build installs nothing, it builds FROM dockerlab/python', async () => {
    const run = await runLab(['solve', 'single-host'], env);
    expect({ code: run.code, output: run.output }).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/Step 2\/\d+ : FROM \$\{PYTHON_IMAGE\}/);
    expect(run.stdout).not.toMatch(/apt-get|^(Get:\d+ |Fetched \d)/m);
    expect(await idOf('localhost:5000/simple-server')).toBe(before.get('localhost:5000/simple-server'));
  }, 180_000);
});
