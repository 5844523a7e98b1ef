import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { ZodError } from 'zod';
import { LessonError } from '../errors.js';
import { orderStages } from './graph.js';
import { stageSchema, trackSchema, type StageFile, type WalkthroughFrame } from './schema.js';
import { parsePredictions } from './predictions.js';
import { parseSteps } from './steps.js';
import { parseWalkthrough } from './walkthrough.js';
import { expandRepository, LAB_REGISTRY } from '../runtime/repository.js';
import type { Challenge, Lessons, Stage } from './types.js';

const FOLDER = /^(\d+)-([a-z0-9-]+)$/;
/** Beside the lesson folders: what several stages share. */
export const TRACK_FILE = 'track.yaml';

/**
 * The only reads of lesson folders: every `NN-slug/` under `dir`, validated and in graph order.
 * `$DOCKER_REPOSITORY` in a stage's checks becomes `repository` (in commands, the shell expands it:
 * lessons show it as the learner types it). A stage's `images:` name the lab's images by the lab's
 * names; first use gives them the repository's names too.
 */
export function loadLessons(dir: string, repository = LAB_REGISTRY): Lessons {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new LessonError(dir, '(folder)', 'is not a folder of lessons');
  }
  const folders = readdirSync(dir).filter((name) => FOLDER.test(name) && statSync(join(dir, name)).isDirectory());
  if (folders.length === 0) {
    throw new LessonError(dir, '(folder)', 'holds no lesson folders named like "01-single-host"');
  }
  const blocks = loadTrackBlocks(dir);
  const stages = folders.map((folder) => loadStage(dir, folder, blocks, repository));
  const seen = new Map<string, string>();
  for (const stage of stages) {
    const other = seen.get(stage.id);
    if (other) throw new LessonError(`${stage.dir}/stage.yaml`, 'id', `"${stage.id}" is also the id of ${other}`);
    seen.set(stage.id, stage.dir);
  }
  return { dir, stages: orderStages(stages) };
}

/** The track's shared command blocks (lessons/track.yaml), by name; none when the file is absent. */
function loadTrackBlocks(root: string): Map<string, string[]> {
  const file = join(root, TRACK_FILE);
  if (!existsSync(file)) return new Map();
  const shown = relative(process.cwd(), file) || file;
  const parsed = trackSchema.safeParse(readYaml(file, shown));
  if (!parsed.success) {
    const { field, message } = describeZodError(parsed.error);
    throw new LessonError(shown, field, message);
  }
  return new Map(Object.entries(parsed.data.blocks));
}

/** `- use: NAME` in a stage's setup, solve or cleanup becomes the block's commands, in place. */
function expandBlocks(raw: unknown, blocks: Map<string, string[]>, file: string): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const stage = { ...(raw as Record<string, unknown>) };
  for (const list of ['setup', 'solve', 'cleanup'] as const) {
    const items = stage[list];
    if (!Array.isArray(items)) continue;
    stage[list] = items.flatMap((item: unknown, index) => {
      if (!item || typeof item !== 'object' || !('use' in item)) return [item];
      const name = (item as { use: unknown }).use;
      const block = typeof name === 'string' ? blocks.get(name) : undefined;
      if (!block) {
        const known = [...blocks.keys()];
        throw new LessonError(file, `${list}[${index}].use`, `names no block of ${TRACK_FILE} (${known.length > 0 ? `it has ${known.join(', ')}` : 'there is none'})`);
      }
      return block;
    });
  }
  return stage;
}

function readYaml(file: string, shown: string): unknown {
  try {
    return parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? `line ${error.linePos[0].line}` : '(syntax)';
    throw new LessonError(shown, where, `is not valid YAML: ${firstLine(error)}`);
  }
}

/** `$DOCKER_REPOSITORY` in every text of the stage's checks. */
function expandRepositoryIn(raw: unknown, repository: string): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const deep = (value: unknown): unknown =>
    typeof value === 'string'
      ? expandRepository(value, repository)
      : Array.isArray(value)
        ? value.map(deep)
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, deep(item)]))
          : value;
  const stage = raw as Record<string, unknown>;
  return { ...stage, ...('checks' in stage ? { checks: deep(stage['checks']) } : {}), ...('challenge' in stage ? { challenge: deep(stage['challenge']) } : {}) };
}

function loadStage(root: string, folder: string, blocks: Map<string, string[]>, repository: string): Stage {
  const dir = join(root, folder);
  const shown = relative(process.cwd(), dir) || dir;
  const yamlFile = join(dir, 'stage.yaml');
  const markdownFile = join(dir, 'lesson.md');
  if (!existsSync(yamlFile)) throw new LessonError(`${shown}/stage.yaml`, '(file)', 'is missing');
  if (!existsSync(markdownFile)) throw new LessonError(`${shown}/lesson.md`, '(file)', 'is missing');

  const raw = expandRepositoryIn(expandBlocks(readYaml(yamlFile, `${shown}/stage.yaml`), blocks, `${shown}/stage.yaml`), repository);
  const parsed = stageSchema.safeParse(raw);
  if (!parsed.success) {
    const { field, message } = describeZodError(parsed.error);
    throw new LessonError(`${shown}/stage.yaml`, field, message);
  }
  const markdown = readFileSync(markdownFile, 'utf8');
  const walkthrough = loadWalkthrough(dir, shown, parsed.data.walkthrough);
  const notesFile = join(dir, 'notes.md');
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : undefined;
  const number = Number(FOLDER.exec(folder)![1]);
  const steps = parseSteps(markdown);
  checkPredictions(markdown, steps.map((step) => step.name), `${shown}/lesson.md`);
  const { challenge: challengeChecks, ...file } = parsed.data;
  const challenge = loadChallenge(dir, shown, challengeChecks?.checks);
  return { ...file, ...(walkthrough ? { walkthrough } : {}), ...(challenge ? { challenge } : {}), number, dir: shown, markdown, ...(notes !== undefined ? { notes } : {}), steps };
}

export const CHALLENGE_FILE = 'challenge.md';
export const CHALLENGE_SOLUTION_FILE = 'challenge.solution.sh';

/** The challenge: stage.yaml's `challenge:` checks, challenge.md's goal and hints, and the reference solution; all three or none. */
function loadChallenge(dir: string, shown: string, checks: StageFile['checks'] | undefined): Challenge | undefined {
  const goal = join(dir, CHALLENGE_FILE);
  const solution = join(dir, CHALLENGE_SOLUTION_FILE);
  if (!checks) {
    for (const file of [CHALLENGE_FILE, CHALLENGE_SOLUTION_FILE]) {
      if (existsSync(join(dir, file))) throw new LessonError(`${shown}/stage.yaml`, 'challenge', `is missing, and ${shown}/${file} is there: the challenge's checks go in stage.yaml (\`challenge: { checks: [...] }\`)`);
    }
    return undefined;
  }
  for (const file of [CHALLENGE_FILE, CHALLENGE_SOLUTION_FILE]) {
    if (!existsSync(join(dir, file))) throw new LessonError(`${shown}/${file}`, '(file)', `is missing: a stage with a \`challenge:\` needs ${CHALLENGE_FILE} (the goal and hints) and ${CHALLENGE_SOLUTION_FILE} (the reference solution \`lab test\` runs)`);
  }
  const markdown = readFileSync(goal, 'utf8');
  const title = /^# (.+)$/m.exec(markdown)?.[1]?.trim();
  if (!title) throw new LessonError(`${shown}/${CHALLENGE_FILE}`, '(title)', 'has no "# Title" line');
  if (!/^## Hints$/m.test(markdown)) throw new LessonError(`${shown}/${CHALLENGE_FILE}`, '## Hints', 'is missing: a challenge gives hints, not commands');
  if (parseSteps(markdown).length > 0) throw new LessonError(`${shown}/${CHALLENGE_FILE}`, 'step', 'a challenge has no runnable steps: the learner writes the commands');
  return { markdown, title, checks, solutionFile: resolve(solution) };
}

/** Each predict block is whole and names a step of its lesson. */
function checkPredictions(markdown: string, steps: string[], file: string): void {
  for (const [index, prediction] of parsePredictions(markdown).entries()) {
    const field = `predict block ${index + 1}`;
    if (prediction.problem) throw new LessonError(file, field, prediction.problem);
    if (!steps.includes(prediction.after)) throw new LessonError(file, `${field} (after=${prediction.after})`, `names no step of this lesson (it has ${steps.join(', ') || 'none'})`);
  }
}

/** A concept stage's walkthrough: walkthrough.md beside the lesson (or, as before, `walkthrough:` in stage.yaml, not both). */
function loadWalkthrough(dir: string, shown: string, inYaml: WalkthroughFrame[] | undefined): WalkthroughFrame[] | undefined {
  const file = join(dir, 'walkthrough.md');
  if (!existsSync(file)) return inYaml;
  if (inYaml) throw new LessonError(`${shown}/stage.yaml`, 'walkthrough', 'is also in walkthrough.md: keep one of them');
  const frames = parseWalkthrough(readFileSync(file, 'utf8'));
  if (frames.length === 0) throw new LessonError(`${shown}/walkthrough.md`, '(file)', 'has no frame: each frame begins with a "## Title" line');
  const empty = frames.findIndex((frame) => frame.body.trim() === '');
  if (empty >= 0) throw new LessonError(`${shown}/walkthrough.md`, `frame ${empty + 1} ("${frames[empty]!.title}")`, 'has no text');
  return frames;
}

/** The first problem zod found, as a dotted field path (`checks[2].container`) and a message. */
export function describeZodError(error: ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { field: '(root)', message: 'is invalid' };
  const field = issue.path.reduce<string>(
    (path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${String(key)}` : String(key)),
    '',
  );
  return { field: field || '(root)', message: issue.message };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
