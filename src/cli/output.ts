import type { CheckResult, CheckStatus } from '../checks/types.js';

/** Plain text when stdout is not a terminal or NO_COLOR is set; colour otherwise. */
export interface Output {
  readonly color: boolean;
  readonly interactive: boolean;
  line(text?: string): void;
  error(text: string): void;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  icon(status: CheckStatus): string;
}

export function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

export function createOutput(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): Output {
  const color = wantsColor(env, Boolean(stream.isTTY));
  const paint = (code: string, reset: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[${reset}m` : text);
  const red = paint('31', '39');
  const green = paint('32', '39');
  const yellow = paint('33', '39');
  return {
    color,
    interactive: Boolean(stream.isTTY),
    line: (text = '') => stream.write(`${text}\n`),
    error: (text) => process.stderr.write(`${text}\n`),
    bold: paint('1', '22'),
    dim: paint('2', '22'),
    red,
    green,
    yellow,
    icon: (status) => (status === 'pass' ? green('✔') : status === 'warn' ? yellow('!') : red('✖')),
  };
}

/** One check result as a line, with its hint indented beneath when it did not pass. */
export function formatCheck(out: Output, result: CheckResult): string {
  const head = `${out.icon(result.status)} ${result.title} — ${result.summary}`;
  return result.hint && result.status !== 'pass' ? `${head}\n    ${out.dim('hint:')} ${result.hint}` : head;
}
