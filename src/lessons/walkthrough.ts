import type { WalkthroughFrame } from './schema.js';

/**
 * Pure: a concept stage's walkthrough.md as frames. Each `## Title` begins a frame; its body is the
 * markdown up to the next one (a `## ` inside a fenced code block is the code's). Text before the
 * first heading is a comment for authors and is not shown.
 */
export function parseWalkthrough(markdown: string): WalkthroughFrame[] {
  const frames: { title: string; lines: string[] }[] = [];
  let fenced = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = !fenced ? /^## +(.+?)\s*$/.exec(line) : null;
    if (heading) frames.push({ title: heading[1]!, lines: [] });
    else frames.at(-1)?.lines.push(line);
  }
  return frames.map(({ title, lines }) => ({ title, body: `${lines.join('\n').trim()}\n` }));
}
