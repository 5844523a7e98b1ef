import { UsageError, type ExitCode } from '../../errors.js';
import { resolveStage } from '../../lessons/graph.js';
import type { Challenge, Lessons, Stage } from '../../lessons/types.js';
import type { CommandContext } from '../context.js';

/** The stage's challenge, or a usage error naming the stages that have one. */
export function challengeOf(lessons: Lessons, stage: Stage): Challenge {
  if (stage.challenge) return stage.challenge;
  const withChallenge = lessons.stages.filter((s) => s.challenge).map((s) => s.id);
  throw new UsageError(`Stage ${stage.id} has no challenge.`, withChallenge.length > 0 ? `Stages with a challenge: ${withChallenge.join(', ')}.` : 'No stage of this track has a challenge.');
}

/** `lab challenge STAGE`: the goal and the hints (never the reference solution), and how it is judged. */
export async function challengeCommand(ctx: CommandContext, ref: string): Promise<ExitCode> {
  const lessons = ctx.lessons();
  const stage = resolveStage(lessons, ref);
  const challenge = challengeOf(lessons, stage);
  const { renderMarkdown } = await import('../../lessons/render-markdown.js');
  ctx.out.line(renderMarkdown(challenge.markdown, Math.min(process.stdout.columns || 80, 100), ctx.out.color));
  ctx.out.line('');
  ctx.out.line(`Judged by ${challenge.checks.length} check${challenge.checks.length === 1 ? '' : 's'}: ${challenge.checks.map((check) => check.title).join('; ')}.`);
  ctx.out.line(ctx.out.bold(`When you think it is done: lab check ${stage.id} --challenge`));
  return 0;
}
