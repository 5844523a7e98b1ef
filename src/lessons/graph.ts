import { LessonError, UsageError } from '../errors.js';
import type { Lessons, Stage } from './types.js';

/**
 * Orders stages so each comes after everything it requires (ties by folder number),
 * rejecting unknown requirements and cycles with the file and field to fix.
 */
export function orderStages(stages: Stage[]): Stage[] {
  const byId = new Map(stages.map((stage) => [stage.id, stage]));
  for (const stage of stages) {
    stage.requires.forEach((required, index) => {
      if (!byId.has(required)) {
        throw new LessonError(`${stage.dir}/stage.yaml`, `requires[${index}]`, `unknown stage id "${required}"`);
      }
    });
  }
  const ordered: Stage[] = [];
  const placed = new Set<string>();
  const pending = [...stages].sort((a, b) => a.number - b.number || a.id.localeCompare(b.id));
  while (pending.length > 0) {
    const index = pending.findIndex((stage) => stage.requires.every((id) => placed.has(id)));
    if (index === -1) {
      const stuck = pending[0]!;
      throw new LessonError(`${stuck.dir}/stage.yaml`, 'requires', `a cycle runs through ${pending.map((s) => s.id).join(', ')}`);
    }
    const [next] = pending.splice(index, 1);
    ordered.push(next!);
    placed.add(next!.id);
  }
  return ordered;
}

/** Accepts a stage id or its number; anything else is a usage error listing the valid ids. */
export function resolveStage(lessons: Lessons, ref: string): Stage {
  const found = lessons.stages.find((stage) => stage.id === ref || (/^\d+$/.test(ref) && stage.number === Number(ref)));
  if (!found) {
    const known = lessons.stages.map((stage) => `${stage.number} ${stage.id}`).join(', ');
    throw new UsageError(`There is no stage "${ref}".`, `Use one of: ${known} (see \`lab list\`).`);
  }
  return found;
}

/** Every stage that must pass before `stage`, directly or not, in graph order. */
export function prerequisitesOf(lessons: Lessons, stage: Stage): Stage[] {
  const needed = new Set<string>();
  const visit = (id: string): void => {
    const current = lessons.stages.find((s) => s.id === id);
    for (const required of current?.requires ?? []) {
      if (!needed.has(required)) {
        needed.add(required);
        visit(required);
      }
    }
  };
  visit(stage.id);
  return lessons.stages.filter((s) => needed.has(s.id));
}
