import { useEffect, useState } from 'react';
import type { renderMarkdown as RenderMarkdown } from '../lessons/render-markdown.js';
import { stripStepMarkers } from '../lessons/steps.js';
import { wrapText } from '../lessons/text-width.js';

/**
 * The markdown renderer (marked, marked-terminal and its highlighters: a third of what the interface
 * loads) comes after the first frame: the stage list needs none of it. The app loads it as soon as
 * that frame is drawn; a lesson shown before it arrives (a fraction of a second, `lab goto`) is its
 * markdown as written, wrapped, and is drawn again rendered.
 */
let render: typeof RenderMarkdown | undefined;
let loading: Promise<void> | undefined;

export function loadMarkdown(): Promise<void> {
  loading ??= import('../lessons/render-markdown.js').then(({ renderMarkdown }) => {
    render = renderMarkdown;
  });
  return loading;
}

/** A lesson as terminal lines, at most `width` columns each: rendered once the renderer is loaded. */
export function markdownLines(markdown: string, width: number, color: boolean): string[] {
  if (render) return render(markdown, width, color).split('\n');
  const columns = Math.max(20, Math.floor(width));
  return stripStepMarkers(markdown)
    .replace(/\t/g, '    ')
    .trimEnd()
    .split('\n')
    .flatMap((line) => wrapText(line, columns));
}

/** For a component that shows markdown: false until the renderer is loaded, then true (and a new render). */
export function useMarkdownRenderer(): boolean {
  const [ready, setReady] = useState(render !== undefined);
  useEffect(() => {
    if (ready) return undefined;
    let mounted = true;
    void loadMarkdown().then(() => {
      if (mounted) setReady(true);
    });
    return () => {
      mounted = false;
    };
  }, [ready]);
  return ready;
}
