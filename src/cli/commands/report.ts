import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ExitCode } from '../../errors.js';
import { buildReport } from '../../report/build-report.js';
import { collectReport } from '../../report/collect.js';
import type { CommandContext } from '../context.js';
import { pickStage } from '../pick-stage.js';

/** `./dockerlab-report-single-host-2026-01-02T10-20-30Z.md`: sortable, and safe on every file system. */
export const defaultReportName = (stageId: string, at: Date): string =>
  `dockerlab-report-${stageId}-${at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.md`;

/**
 * `lab report [stage] [--out FILE]`: re-runs the stage's checks and writes one markdown file (with the
 * same data as JSON) for an instructor or an issue. Without an engine it still writes progress and
 * versions, warns, and exits 0: the file is what was asked for.
 */
export async function reportCommand(ctx: CommandContext, ref: string | undefined, options: { out?: string }): Promise<ExitCode> {
  const { out } = ctx;
  const loaded = ctx.store().load();
  if (loaded.warning) out.error(out.yellow(`Warning: ${loaded.warning}`));
  const stage = pickStage(ctx.lessons(), loaded.progress, ref);
  out.line(out.bold(`Writing a report on ${stage.number} ${stage.id}: re-running its checks…`));
  const data = await collectReport(stage, {
    docker: ctx.docker(),
    http: ctx.http(),
    progress: loaded,
    onCheck: (check) => out.line(`${out.icon(check.status)} ${check.title} — ${check.summary}`),
  });
  const path = resolve(options.out ?? defaultReportName(stage.id, new Date(data.createdAt)));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, buildReport(data).markdown);
  if (data.engine.problem) {
    out.error(out.yellow(`Warning: ${data.engine.problem} The report holds the lab's progress and versions only. Start Docker (or fix DOCKER_HOST), then run \`lab report ${stage.id}\` again for the rest.`));
  }
  out.line(`Report written to ${path}`);
  out.line(out.dim('Read it before you share it: values that look like secrets are redacted; everything else is as the lab found it.'));
  return 0;
}
