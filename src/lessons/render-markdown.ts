import { Marked } from 'marked';
import { markedTerminal, type TerminalRendererOptions } from 'marked-terminal';
import { stripStepMarkers } from './steps.js';
import { wrapText } from './text-width.js';

// The escapes (OSC hyperlinks, cursor moves) a terminal pane must not get.
const OSC = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;
const CSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

const identity = (text: string): string => text;

/** Every style of marked-terminal switched off: the words stay, the escapes go. */
const plainStyles: TerminalRendererOptions = {
  code: identity,
  blockquote: identity,
  html: identity,
  heading: identity,
  firstHeading: identity,
  hr: identity,
  listitem: identity,
  table: identity,
  paragraph: identity,
  strong: identity,
  em: identity,
  // Without colour, backticks are the only sign that a word is something to type.
  codespan: (text) => `\`${text}\``,
  del: identity,
  link: identity,
  href: identity,
  text: identity,
  tableOptions: { style: { head: [], border: [] } },
};

const renderers = new Map<string, Marked>();

function rendererFor(width: number, color: boolean): Marked {
  const key = `${width}:${color}`;
  let marked = renderers.get(key);
  if (!marked) {
    // No emoji shortcodes: a port mapping such as 127.0.0.1:100:100 must stay as written.
    marked = new Marked(markedTerminal({ ...(color ? {} : plainStyles), width, reflowText: true, tab: 2, emoji: false }));
    renderers.set(key, marked);
  }
  return marked;
}

/**
 * A lesson as terminal text, every line at most `width` columns wide, so a pane can show
 * an exact slice of it. Without colour the text carries no escape codes at all.
 */
export function renderMarkdown(markdown: string, width: number, color: boolean): string {
  const columns = Math.max(20, Math.floor(width));
  const rendered = rendererFor(columns, color).parse(stripStepMarkers(markdown), { async: false });
  // Colours stay when wanted; hyperlinks and cursor movements never suit a pane.
  const cleaned = rendered.replace(OSC, '').replace(CSI, (escape) => (color && escape.endsWith('m') ? escape : ''));
  return cleaned
    .replace(/\t/g, '    ')
    .replace(/\s+$/, '')
    .split('\n')
    .flatMap((line) => wrapText(line, columns))
    .join('\n');
}
