import { isLabError, type ExitCode } from '../errors.js';
import type { Output } from './output.js';

/** The one place errors become messages and exit codes; commands only return or throw. */
export function handleError(error: unknown, out: Output): ExitCode {
  if (isLabError(error)) {
    out.error(`${out.red('Error:')} ${error.message}`);
    if (error.next) out.error(error.next);
    return error.exitCode;
  }
  const commanderCode = (error as { code?: string }).code;
  if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
    return commanderCode === 'commander.helpDisplayed' || commanderCode === 'commander.version' ? 0 : 2;
  }
  out.error(`${out.red('Internal error:')} this is a bug in the lab, not something you did.`);
  out.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  out.error('Please report it with the output above and `lab report` if available.');
  return 1;
}
