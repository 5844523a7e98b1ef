import { MACHINE_VARIABLES } from '../runtime/endpoint.js';
import { dockerHostUrl, type Machine } from './spec.js';

export type EnvShell = 'bash' | 'fish' | 'powershell';
export const ENV_SHELLS: readonly EnvShell[] = ['bash', 'fish', 'powershell'];

/**
 * What `lab machine env` prints, in docker-machine's own format (commands/env.go: one template,
 * a prefix, delimiter and suffix per shell, then the usage hint): the same four variables in the
 * same order — a lab machine's engine speaks TLS with a client certificate, as docker-machine's
 * do — and `--unset` clears all four. One difference: the hint names `lab machine env`.
 */
export function envLines(machine: Pick<Machine, 'name' | 'port' | 'address'>, shell: EnvShell, unset: boolean, certPath = ''): string {
  const vars: [string, string][] = unset ? MACHINE_VARIABLES.map((name) => [name, '']) : Object.entries(machineVariables(machine, certPath));
  const { prefix, delimiter, suffix } = unset ? UNSET[shell] : SET[shell];
  const body = vars.map(([name, value]) => `${prefix}${name}${delimiter}${value}${suffix}`).join('');
  return body + usageHint(shell, envCommand(machine.name, shell, unset));
}

/** The values `eval $(lab machine env NAME)` gives the four variables. */
export function machineVariables(machine: Pick<Machine, 'name' | 'port' | 'address'>, certPath: string): Record<(typeof MACHINE_VARIABLES)[number], string> {
  return { DOCKER_TLS_VERIFY: '1', DOCKER_HOST: dockerHostUrl(machine), DOCKER_CERT_PATH: certPath, DOCKER_MACHINE_NAME: machine.name };
}

/** The command line the hint repeats, as docker-machine repeats its own arguments. */
export function envCommand(name: string, shell: EnvShell, unset: boolean): string {
  return ['lab machine env', ...(shell === 'bash' ? [] : ['--shell', shell]), ...(unset ? ['--unset'] : [name])].join(' ');
}

interface Format {
  prefix: string;
  delimiter: string;
  suffix: string;
}

const SET: Record<EnvShell, Format> = {
  bash: { prefix: 'export ', delimiter: '="', suffix: '"\n' },
  fish: { prefix: 'set -gx ', delimiter: ' "', suffix: '";\n' },
  powershell: { prefix: '$Env:', delimiter: ' = "', suffix: '"\n' },
};

const UNSET: Record<EnvShell, Format> = {
  bash: { prefix: 'unset ', delimiter: '', suffix: '\n' },
  fish: { prefix: 'set -e ', delimiter: '', suffix: ';\n' },
  // docker-machine's Go source has the raw string `Remove-Item Env:\\`: two backslashes, printed as such.
  powershell: { prefix: 'Remove-Item Env:\\\\', delimiter: '', suffix: '\n' },
};

/** docker-machine's hint, trailing space after "shell:" included. */
function usageHint(shell: EnvShell, commandLine: string): string {
  const cmd = shell === 'fish' ? `eval (${commandLine})` : shell === 'powershell' ? `& ${commandLine} | Invoke-Expression` : `eval $(${commandLine})`;
  return `# Run this command to configure your shell: \n# ${cmd}\n`;
}
