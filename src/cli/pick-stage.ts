import { resolveStage } from '../lessons/graph.js';
import type { Lessons, Stage } from '../lessons/types.js';
import type { Progress } from '../progress/store.js';

/** The stage a command means: the one named, else the one open last, else the first not yet passed. */
export function pickStage(lessons: Lessons, progress: Progress, ref?: string): Stage {
  if (ref !== undefined) return resolveStage(lessons, ref);
  const current = lessons.stages.find((stage) => stage.id === progress.current);
  if (current) return current;
  return lessons.stages.find((stage) => progress.stages[stage.id]?.status !== 'passed') ?? lessons.stages.at(-1)!;
}
