import { judgeDoctor, type Finding } from '../../doctor/judge.js';
import { observeDoctor } from '../../doctor/observe.js';
import type { ExitCode } from '../../errors.js';
import type { CommandContext } from '../context.js';
import type { Output } from '../output.js';

/**
 * `lab doctor`: what the track needs — derived from the lesson files — each ok, warn or FAIL on one
 * line with its fix. Exit 3 when something FAILs: the lab cannot work until it is fixed.
 */
export async function doctorCommand(ctx: CommandContext): Promise<ExitCode> {
  const facts = await observeDoctor({ docker: ctx.docker(), lessons: () => ctx.lessons(), store: ctx.store() });
  const findings = judgeDoctor(facts);
  for (const finding of findings) ctx.out.line(formatFinding(ctx.out, finding));
  const failed = findings.filter((finding) => finding.status === 'fail').length;
  const warned = findings.filter((finding) => finding.status === 'warn').length;
  if (failed > 0) ctx.out.line(ctx.out.red(`${failed} problem(s) stop the lab; fix them as shown above, then run \`lab doctor\` again.`));
  else ctx.out.line(ctx.out.green(`The lab is ready${warned > 0 ? ` (${warned} warning(s) above)` : ''}.`));
  return failed > 0 ? 3 : 0;
}

export function formatFinding(out: Output, finding: Finding): string {
  const mark = finding.status === 'ok' ? out.green('ok  ') : finding.status === 'warn' ? out.yellow('warn') : out.red('FAIL');
  const fix = finding.status !== 'ok' && finding.fix ? ` ${out.dim('— fix:')} ${finding.fix}` : '';
  return `${mark} ${finding.what}: ${finding.detail}${fix}`;
}
