import { EnvironmentError, UsageError, type LabError } from '../errors.js';
import type { EnvShell } from './env.js';

/**
 * Reading what the real `docker-machine` prints. Pure: text in, data out, and an error that quotes
 * the line it could not read. The formats are docker-machine's own (commands/ls.go, commands/env.go,
 * commands/rm.go); the recorded samples in test/fixtures/docker-machine/ say where each comes from.
 */

/** One row of `docker-machine ls`. */
export interface DockerMachineHost {
  name: string;
  /** `-`, `*`, or `* (swarm)`. */
  active: string;
  driver: string;
  /** As docker-machine prints it: Running, Stopped, Error, Timeout… */
  state: string;
  /** Its DOCKER_HOST URL; '' while it is not running. */
  url: string;
  /** `v1.9.1`, `Unknown`, or '' when docker-machine could not ask. */
  docker: string;
  error: string;
}

/**
 * The template lab passes to `docker-machine ls --format`: one machine a line, fields separated by
 * tabs. docker-machine turns the two characters `\t` into a tab itself (commands/ls.go, parseFormat),
 * so the argument stays readable when printed as a command line.
 */
export const LS_FORMAT = ['{{.Name}}', '{{.Active}}', '{{.DriverName}}', '{{.State}}', '{{.URL}}', '{{.DockerVersion}}', '{{.Error}}'].join('\\t');
const LS_FORMAT_FIELDS = 7;

/** docker-machine printed something lab cannot make sense of: exit 3, with the line quoted. */
export class DockerMachineOutputError extends EnvironmentError {
  constructor(command: string, line: string, why: string) {
    super(
      `${command} printed a line lab cannot read: ${JSON.stringify(line)} (${why}).`,
      'Look at the output of that command yourself; if it is new to lab, report it with `docker-machine version`.',
    );
  }
}

const lines = (text: string): string[] => text.replace(/\r\n/g, '\n').split('\n');

/** `docker-machine ls --format LS_FORMAT`: seven tab-separated fields a line. */
export function parseLsFormat(text: string): DockerMachineHost[] {
  const hosts: DockerMachineHost[] = [];
  for (const line of lines(text)) {
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    if (fields.length !== LS_FORMAT_FIELDS) {
      throw new DockerMachineOutputError('docker-machine ls --format', line, `expected ${LS_FORMAT_FIELDS} tab-separated fields, found ${fields.length}`);
    }
    const [name, active, driver, state, url, docker, error] = fields.map((f) => f.trim()) as [string, string, string, string, string, string, string];
    if (!name) throw new DockerMachineOutputError('docker-machine ls --format', line, 'the machine has no name');
    hosts.push({ name, active, driver, state, url, docker, error });
  }
  return hosts;
}

/** Header of the default table, and which field each column fills. */
const TABLE_COLUMNS: Record<string, keyof DockerMachineHost> = {
  NAME: 'name',
  ACTIVE: 'active',
  DRIVER: 'driver',
  STATE: 'state',
  URL: 'url',
  DOCKER: 'docker',
  ERRORS: 'error',
};

/**
 * The default `docker-machine ls` table. docker-machine lays it out with Go's tabwriter (three
 * spaces of padding), so every cell starts where its header starts: cells are cut at those offsets,
 * which keeps cells with spaces in them (`* (swarm)`, an error message) and empty ones (SWARM) whole.
 */
export function parseLsTable(text: string): DockerMachineHost[] {
  const all = lines(text).filter((line) => line.trim() !== '');
  const header = all[0];
  if (header === undefined) return [];
  const columns = [...header.matchAll(/\S+/g)].map((m) => ({ title: m[0], start: m.index }));
  if (columns[0]?.title !== 'NAME' || columns[0].start !== 0 || !columns.some((c) => c.title === 'STATE')) {
    throw new DockerMachineOutputError('docker-machine ls', header, 'expected its header: NAME   ACTIVE   DRIVER   STATE   URL …');
  }
  return all.slice(1).map((line) => {
    const host: DockerMachineHost = { name: '', active: '', driver: '', state: '', url: '', docker: '', error: '' };
    columns.forEach((column, i) => {
      const end = columns[i + 1]?.start ?? line.length;
      if (column.start > 0 && line.length > column.start && line[column.start - 1] !== ' ') {
        throw new DockerMachineOutputError('docker-machine ls', line, `its ${column.title} column does not start where the header's does`);
      }
      const field = TABLE_COLUMNS[column.title];
      if (field) host[field] = line.slice(column.start, end).trim();
    });
    if (!host.name) throw new DockerMachineOutputError('docker-machine ls', line, 'the machine has no name');
    return host;
  });
}

/** `docker-machine ls --quiet`: one name a line. */
export function parseLsQuiet(text: string): string[] {
  return lines(text)
    .map((line) => line.trim())
    .filter((line) => {
      if (line === '') return false;
      if (/\s/.test(line)) throw new DockerMachineOutputError('docker-machine ls --quiet', line, 'expected one machine name a line');
      return true;
    });
}

/** What `docker-machine env` sets (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_MACHINE_NAME, …) or unsets. */
export interface ParsedEnv {
  set: Record<string, string>;
  unset: string[];
}

/**
 * Each shell's lines, as commands/env.go writes them (prefix, name, delimiter, value, suffix). Fish
 * also has docker-machine 0.5's form, `set -x NAME value;` with the value unquoted and the last `;`
 * left off, as its documentation still shows it.
 */
const SET_LINE: Record<EnvShell, RegExp[]> = {
  bash: [/^export (\w+)="(.*)"$/],
  fish: [/^set -gx (\w+) "(.*)";$/, /^set -x (\w+) "(.*)";?$/, /^set -x (\w+) ([^\s";]*);?$/],
  powershell: [/^\$Env:(\w+) = "(.*)"$/],
};
const UNSET_LINE: Record<EnvShell, RegExp> = {
  bash: /^unset (\w+)$/,
  fish: /^set -e (\w+);$/,
  // env.go's raw string `Remove-Item Env:\\` prints two backslashes; PowerShell takes one as well.
  powershell: /^Remove-Item Env:\\{1,2}(\w+)$/,
};

/** `docker-machine env --shell SHELL [NAME | --unset]`: every variable it sets or unsets. Comments (the usage hint) are skipped. */
export function parseEnv(text: string, shell: EnvShell): ParsedEnv {
  const command = `docker-machine env --shell ${shell}`;
  const parsed: ParsedEnv = { set: {}, unset: [] };
  for (const line of lines(text)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const unset = UNSET_LINE[shell].exec(trimmed);
    if (unset) {
      parsed.unset.push(unset[1]!);
      continue;
    }
    const set = SET_LINE[shell].map((pattern) => pattern.exec(trimmed)).find((match) => match !== null);
    if (!set) throw new DockerMachineOutputError(command, line, `not a ${shell} line that sets or unsets a variable`);
    parsed.set[set[1]!] = set[2]!;
  }
  if (Object.keys(parsed.set).length > 0 && parsed.unset.length > 0) {
    throw new DockerMachineOutputError(command, text.trim().split('\n')[0] ?? '', 'it both sets and unsets variables');
  }
  if (parsed.unset.length === 0 && parsed.set.DOCKER_HOST === undefined) {
    throw new DockerMachineOutputError(command, text.trim().split('\n')[0] ?? '', 'it sets no DOCKER_HOST');
  }
  return parsed;
}

/** `docker-machine ip NAME`: one address. */
export function parseIp(text: string): string {
  const found = lines(text)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (found.length !== 1) throw new DockerMachineOutputError('docker-machine ip', found.join('\\n'), `expected one address, found ${found.length} lines`);
  const ip = found[0]!;
  if (!/^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|[A-Za-z0-9][A-Za-z0-9.-]*)$/.test(ip)) {
    throw new DockerMachineOutputError('docker-machine ip', ip, 'not an IP address or host name');
  }
  return ip;
}

/** `docker-machine rm -y NAME…`: the machines it says it removed ("Successfully removed NAME"). */
export function parseRm(text: string): string[] {
  return lines(text)
    .map((line) => /^Successfully removed (\S+)\s*$/.exec(line.trim())?.[1])
    .filter((name): name is string => name !== undefined);
}

/**
 * A docker-machine command that failed, as a lab error: an unknown machine is bad input (exit 2,
 * libmachine's `Docker machine "x" does not exist`); anything else is the environment (exit 3:
 * docker-machine exits 3 itself when a driver's pre-create check fails, e.g. no VirtualBox).
 */
export function dockerMachineFailure(commandLine: string, result: { exitCode: number; stdout: string; stderr: string }): LabError {
  const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-6).join('\n');
  if (/Docker machine "[^"]*" does not exist|Host does not exist/i.test(said)) {
    return new UsageError(said, 'List the machines with `lab machine ls --provider docker-machine`.');
  }
  return new EnvironmentError(
    `\`${commandLine}\` failed (exit ${result.exitCode})${said ? `:\n${said}` : '.'}`,
    result.exitCode === 3 ? "The driver's pre-create check failed: install what it names (e.g. VirtualBox), or choose another driver with --driver." : 'Run that command yourself to see the whole story.',
  );
}
