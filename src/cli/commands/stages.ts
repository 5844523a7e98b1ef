import { stageStatus, type StageStatus } from '../../statechart/selectors.js';
import type { ExitCode } from '../../errors.js';
import type { CommandContext } from '../context.js';

const ICONS: Record<StageStatus, string> = { passed: '✔', failed: '✖', 'in-progress': '●', available: '○', locked: '·' };

function statuses(ctx: CommandContext) {
  const lessons = ctx.lessons();
  const { progress, warning } = ctx.store().load();
  if (warning) ctx.out.error(ctx.out.yellow(`Warning: ${warning}`));
  const graph = { stages: lessons.stages, progress };
  return { current: progress.current, rows: lessons.stages.map((stage) => ({ stage, status: stageStatus(graph, stage.id), saved: progress.stages[stage.id] })) };
}

/** `lab list`: the track, one stage a line. */
export function listCommand(ctx: CommandContext): ExitCode {
  for (const { stage, status } of statuses(ctx).rows) {
    const requires = stage.requires.length > 0 ? ctx.out.dim(` (after ${stage.requires.join(', ')})`) : '';
    const challenge = stage.challenge ? ctx.out.dim(' + a challenge') : '';
    ctx.out.line(`${ICONS[status]} ${String(stage.number).padStart(2)} ${stage.id.padEnd(18)} ${stage.title}${challenge}${requires}`);
  }
  return 0;
}

/** `lab status [--json]`: where the learner stands, for them or for an instructor's script. */
export function statusCommand(ctx: CommandContext, options: { json?: boolean }): ExitCode {
  const { rows, current } = statuses(ctx);
  const passed = rows.filter((row) => row.status === 'passed').length;
  if (options.json) {
    const stages = rows.map(({ stage, status, saved }) => ({
      id: stage.id,
      number: stage.number,
      title: stage.title,
      status,
      attempts: saved?.attempts ?? 0,
      passedAt: saved?.passedAt ?? null,
      lastChecks: saved?.lastChecks ?? [],
      // null: the stage has no challenge; 'not tried' until `lab check STAGE --challenge` runs.
      challenge: stage.challenge ? (saved?.challenge?.status ?? 'not tried') : null,
    }));
    ctx.out.line(JSON.stringify({ current: current ?? null, passed, total: rows.length, stages }, null, 2));
    return 0;
  }
  ctx.out.line(`${passed} of ${rows.length} stages passed${current ? `; working on ${current}` : ''}.`);
  for (const { stage, status, saved } of rows) {
    const when = saved?.passedAt ? ctx.out.dim(` passed ${saved.passedAt.slice(0, 16).replace('T', ' ')}`) : '';
    const challenge = stage.challenge ? `; challenge ${saved?.challenge?.status ?? 'not tried'}` : '';
    ctx.out.line(`${ICONS[status]} ${stage.id.padEnd(18)} ${status}${when}${challenge}`);
  }
  return 0;
}
