import type { Step } from './types.js';

const FENCE = /^```(\S*)([^\n]*)\n([\s\S]*?)^```\s*$/gm;

/**
 * Finds the lab steps in a lesson: fenced blocks whose info string carries `step=NAME`
 * (and optionally `long` for commands that run until stopped).
 */
export function parseSteps(markdown: string): Step[] {
  const steps: Step[] = [];
  for (const match of markdown.matchAll(FENCE)) {
    const info = `${match[1] ?? ''} ${match[2] ?? ''}`.trim().split(/\s+/);
    const name = info.find((token) => token.startsWith('step='))?.slice('step='.length);
    if (!name) continue;
    steps.push({ name, command: (match[3] ?? '').trimEnd(), long: info.includes('long') });
  }
  return steps;
}

/** The markdown as the learner reads it: step markers removed from fence info strings. */
export function stripStepMarkers(markdown: string): string {
  return markdown.replace(/^```(\S*)[^\n]*step=[^\n]*$/gm, '```$1');
}
