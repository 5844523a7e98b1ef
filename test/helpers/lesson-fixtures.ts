import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FixtureStage {
  folder: string;
  yaml: string;
  markdown?: string;
}

/** Writes lesson folders into a fresh temp dir and returns its path. */
export function writeLessons(stages: FixtureStage[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'lab-lessons-'));
  for (const stage of stages) {
    mkdirSync(join(dir, stage.folder));
    writeFileSync(join(dir, stage.folder, 'stage.yaml'), stage.yaml);
    writeFileSync(join(dir, stage.folder, 'lesson.md'), stage.markdown ?? '# Lesson\n\n```sh step=hello\necho hello\n```\n');
  }
  return dir;
}

export const stageYaml = (id: string, requires: string[] = [], extra = ''): string => `id: ${id}
title: Stage ${id}
summary: The ${id} stage.
requires: [${requires.join(', ')}]
solve:
  - echo solved ${id}
checks:
  - kind: container-running
    title: ${id}-box runs
    container: ${id}-box
${extra}`;
