import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError, type ExitCode } from '../../errors.js';
import { imagesNeeded } from '../../runtime/image-bundle.js';
import { loadBundle, saveBundle, type BundleProgress } from '../../runtime/image-bundle-file.js';
import { buildImages } from '../../runtime/images.js';
import type { CommandContext } from '../context.js';
import type { Output } from '../output.js';
import { seconds } from '../../format.js';

/** `lab images build [--offline] [--missing]`: every image the track needs, with progress; cached layers make a rebuild quick. */
export async function imagesBuildCommand(ctx: CommandContext, options: { offline?: boolean; missing?: boolean }): Promise<ExitCode> {
  const { out } = ctx;
  await ctx.docker().ping();
  const summary = await buildImages({
    shell: ctx.shell(),
    docker: ctx.docker(),
    root: ctx.root,
    offline: Boolean(options.offline),
    images: imagesNeeded(ctx.lessons()),
    onlyMissing: Boolean(options.missing),
    signal: ctx.signal,
    onEvent(event) {
      switch (event.type) {
        case 'base':
          out.line(out.dim(event.line));
          break;
        case 'image-started':
          out.line(out.bold(`$ ${event.command}`));
          break;
        case 'image-progress':
          out.line(`  [${event.step}/${event.total}] ${event.line}`);
          break;
        case 'image-finished':
          out.line(out.green(`✔ ${event.image} ${event.cached ? 'up to date' : 'built'} in ${seconds(event.durationMs)}`));
          break;
      }
    },
  });
  out.line(summary.images.length === 0 ? 'Every image the track needs is here; nothing to build.' : `Built ${summary.images.length} image(s) in ${seconds(summary.totalMs)}.`);
  return 0;
}

/** `lab images save FILE`: one tarball of every image the lessons use, for a room with no registry. */
export async function imagesSaveCommand(ctx: CommandContext, file: string): Promise<ExitCode> {
  const { out } = ctx;
  const references = imagesNeeded(ctx.lessons());
  if (references.length === 0) throw new UsageError(`The lessons in ${ctx.lessons().dir} use none of the lab's images, so there is nothing to save.`);
  const target = resolve(file);
  out.line(`Saving the ${references.length} image(s) the lessons use: ${references.join(', ')}`);
  const progress = progressPrinter(out);
  const result = await saveBundle({ docker: ctx.docker(), file: target, references, labVersion: labVersion(ctx.root), onProgress: progress.update, signal: ctx.signal }).finally(progress.done);
  const archive = result.manifest.archives[0]!;
  out.line(out.green(`✔ Wrote ${file}: ${result.manifest.images.length} images and ${result.manifest.buildCache.length} build-cache steps, ${mebibytes(result.bytes)} in ${seconds(result.durationMs)}.`));
  out.line(out.dim(`  ${archive.file} sha256 ${archive.sha256}`));
  out.line(`On a machine with no registry: \`lab images load ${file}\`.`);
  return 0;
}

/** `lab images load FILE`: verify the whole bundle (exit 2 if it is not whole), then load it and confirm each image. */
export async function imagesLoadCommand(ctx: CommandContext, file: string): Promise<ExitCode> {
  const { out } = ctx;
  out.line(`Checking ${file} before loading anything…`);
  const progress = progressPrinter(out);
  const result = await loadBundle({
    docker: ctx.docker(),
    file: resolve(file),
    signal: ctx.signal,
    onProgress: progress.update,
    onVerified(manifest) {
      progress.done();
      out.line(out.green(`✔ ${file} is whole: ${manifest.images.length} images, saved by lab ${manifest.labVersion} on ${manifest.created.slice(0, 10)}.`));
    },
  }).finally(progress.done);
  out.line(out.green(`✔ Loaded ${result.manifest.images.length} images (${mebibytes(result.bytes)}) in ${seconds(result.durationMs)}; each has the id the bundle names:`));
  for (const image of result.manifest.images) out.line(`  ${image.id.slice(7, 19)}  ${image.reference}`);
  return 0;
}

const mebibytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const labVersion = (root: string): string => (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

const PHASE_WORDS: Record<BundleProgress['phase'], string> = { save: 'written', verify: 'checked', load: 'sent to the engine' };

/** Bytes so far: one redrawn line on a terminal, a line every 64 MiB otherwise. */
function progressPrinter(out: Output): { update: (progress: BundleProgress) => void; done: () => void } {
  const STEP = 64 * 1024 * 1024;
  let drawn = false;
  let lastDraw = 0;
  let nextLine = STEP;
  let phase: BundleProgress['phase'] | undefined;
  const text = (p: BundleProgress) =>
    `  ${mebibytes(p.bytes)}${p.total ? ` of ${mebibytes(p.total)} (${Math.floor((100 * p.bytes) / Math.max(p.total, 1))}%)` : ''} ${PHASE_WORDS[p.phase]}`;
  return {
    update(p) {
      if (p.phase !== phase) [phase, nextLine] = [p.phase, STEP];
      const finished = p.total !== undefined && p.bytes >= p.total;
      if (out.interactive) {
        if (Date.now() - lastDraw < 100 && !finished) return;
        lastDraw = Date.now();
        drawn = true;
        process.stdout.write(`\r\u001b[K${text(p)}`);
      } else if (p.bytes >= nextLine || finished) {
        while (nextLine <= p.bytes) nextLine += STEP;
        out.line(text(p));
      }
    },
    done() {
      if (drawn) process.stdout.write('\n');
      drawn = false;
    },
  };
}
