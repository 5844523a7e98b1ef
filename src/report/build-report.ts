import type { CheckStatus } from '../checks/types.js';
import type { PortBinding } from '../runtime/docker.js';
import { redactDeep } from './redact.js';
import type { ReportData } from './types.js';
import { LABEL_MANAGED } from '../runtime/names.js';

export const REPORT_FORMAT = 'dockerlab-report/1';

export interface BuiltReport {
  markdown: string;
  /** The JSON block the markdown ends with, as text: the same data, for a script or an issue bot. */
  json: string;
}

const ICON: Record<CheckStatus, string> = { pass: '✔', warn: '!', fail: '✖' };

/**
 * Pure: a report as markdown with the same data as a fenced JSON block. Every string is redacted
 * here, and facts about a container without the lab's label are left out, whatever the caller gathered.
 */
export function buildReport(raw: ReportData): BuiltReport {
  const data = redactDeep({ ...raw, checks: raw.checks.map((check) => (check.facts === undefined ? check : { ...check, facts: withinLab(check.facts) })) });
  const json = JSON.stringify({ format: REPORT_FORMAT, ...data }, null, 2);
  const sections = [
    header(data),
    checksSection(data),
    resourcesSection(data),
    logsSection(data),
    versionsSection(data),
    progressSection(data),
    ['## Data', '', 'The same report as JSON.', '', fenced(json, 'json')],
  ];
  return { markdown: `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`, json };
}

function header(data: ReportData): string[] {
  const { stage, engine } = data;
  return [
    `# dockerlab report: ${stage.id} (${String(stage.number).padStart(2, '0')} ${stage.title})`,
    '',
    `Written ${data.createdAt} by \`lab report\` ${data.versions.lab}, for an instructor or an issue when a check's verdict looks wrong.`,
    `It holds the stage's checks re-run just now with the facts each one saw, the lab's own containers, networks and volumes`,
    `(those labelled \`${LABEL_MANAGED}=true\`, nothing else), their last ${data.logTail} log lines, versions and progress.`,
    'It holds no environment variables, and values that look like secrets read `[REDACTED]`. Read it before you share it.',
    ...(engine.reachable && !engine.problem
      ? []
      : ['', `> **Warning:** ${engine.problem ?? 'The Docker engine could not be reached.'} (The lab looked for it through: ${engine.endpointSource}.)`]),
  ];
}

function checksSection(data: ReportData): string[] {
  if (data.checks.length === 0) return ['## Checks', '', `Not re-run: ${data.checksSkipped ?? 'the stage has no checks.'}`];
  const failed = data.checks.filter((check) => check.status === 'fail').length;
  const lines = ['## Checks', '', failed === 0 ? `All ${data.checks.length} checks pass now.` : `${failed} of ${data.checks.length} checks fail now.`];
  if (data.checksSkipped) lines.push('', `The rest were not re-run: ${data.checksSkipped}`);
  if (data.drillsNotRun?.length) lines.push('', `Not run, because they act on the lab (a report only looks): ${data.drillsNotRun.map((title) => `"${title}"`).join(', ')}. \`lab check ${data.stage.id}\` runs them.`);
  for (const [index, check] of data.checks.entries()) {
    lines.push('', `### ${index + 1}. ${ICON[check.status]} ${check.title}`, '', `**${check.status}** (${check.kind}, ${check.durationMs} ms): ${check.summary}`);
    if (check.hint) lines.push('', `Hint: ${check.hint}`);
    lines.push(
      '',
      '<details><summary>What the check saw</summary>',
      '',
      check.facts === undefined ? 'Nothing: the check could not look.' : fenced(JSON.stringify(check.facts, null, 2), 'json'),
      '',
      '</details>',
    );
  }
  return lines;
}

function resourcesSection(data: ReportData): string[] {
  const lines = ['## Lab resources', '', `As \`docker ps -a --filter label=${LABEL_MANAGED}=true\` would list them.`, ''];
  if (data.containers.length === 0) lines.push('No lab containers.');
  else {
    lines.push('| NAME | IMAGE | STATE | PORTS | LABELS |', '| --- | --- | --- | --- | --- |');
    for (const c of data.containers) lines.push(row([c.name, c.image, c.state, c.ports.map(port).join(', '), labelList(c.labels)]));
  }
  lines.push('', '### Networks', '');
  if (data.networks.length === 0) lines.push('No lab networks.');
  else lines.push('| NAME | DRIVER | LABELS |', '| --- | --- | --- |', ...data.networks.map((n) => row([n.name, n.driver, labelList(n.labels)])));
  lines.push('', '### Volumes', '');
  if (data.volumes.length === 0) lines.push('No lab volumes.');
  else lines.push('| NAME | DRIVER | LABELS |', '| --- | --- | --- |', ...data.volumes.map((v) => row([v.name, v.driver, labelList(v.labels)])));
  return lines;
}

function logsSection(data: ReportData): string[] {
  const lines = ['## Logs', '', `The last ${data.logTail} lines of each lab container, stdout and stderr together.`];
  if (data.logs.length === 0) lines.push('', 'No lab containers, so no logs.');
  for (const { container, lines: log } of data.logs) {
    lines.push('', `### ${container}`, '', log.length === 0 ? 'No output.' : fenced(log.join('\n'), 'text'));
  }
  return lines;
}

function versionsSection({ versions }: ReportData): string[] {
  const docker = versions.docker;
  return [
    '## Versions',
    '',
    `- lab: ${versions.lab}`,
    `- node: ${versions.node}`,
    `- docker engine: ${docker ? `${docker.version} (API ${docker.apiVersion}, ${docker.os}${docker.storageDriver ? `, ${docker.storageDriver} storage` : ''})` : 'unknown (not reached)'}`,
    `- OS: ${versions.os}`,
  ];
}

function progressSection({ progress, progressWarning }: ReportData): string[] {
  const ids = Object.keys(progress.stages);
  const lines = ['## Progress', '', progress.current ? `Working on ${progress.current}.` : 'No stage opened yet.'];
  if (progressWarning) lines.push('', `> ${progressWarning}`);
  if (ids.length === 0) return [...lines, '', 'No stage started.'];
  lines.push('', '| STAGE | STATUS | ATTEMPTS | UPDATED | PASSED | LAST CHECKS |', '| --- | --- | --- | --- | --- | --- |');
  for (const id of ids) {
    const stage = progress.stages[id]!;
    const last = (stage.lastChecks ?? []).map((check) => `${ICON[check.status]} ${check.title}`).join('; ');
    lines.push(row([id, stage.status, String(stage.attempts), stage.updatedAt, stage.passedAt ?? '', last]));
  }
  return lines;
}

/**
 * A check may have looked at a container by name that is not the lab's (a learner's own
 * `simple-server-test`): what it saw of that container stays out of the report.
 */
export function withinLab(facts: unknown): unknown {
  if (Array.isArray(facts)) return facts.map(withinLab);
  if (!facts || typeof facts !== 'object') return facts;
  const record = facts as Record<string, unknown>;
  const looksLikeContainer = typeof record.id === 'string' && typeof record.image === 'string' && record.labels && typeof record.labels === 'object';
  if (looksLikeContainer && (record.labels as Record<string, unknown>)[LABEL_MANAGED] !== 'true') {
    return { outsideLab: `a container without the label ${LABEL_MANAGED}=true; what the check saw of it is left out` };
  }
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, withinLab(value)]));
}

/** A fence longer than any run of backticks inside, so a log line cannot end the block early. */
export function fenced(text: string, language: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

const cell = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const row = (cells: string[]): string => `| ${cells.map(cell).join(' | ')} |`;
const labelList = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
const port = (p: PortBinding): string => `${p.hostIp || '0.0.0.0'}:${p.hostPort}->${p.containerPort}`;
