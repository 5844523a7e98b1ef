// SGR colour codes, and one token of a line (an escape or a character).
const SGR = /\u001b\[[0-9;]*m/g;
const TOKEN = /\u001b\[[0-9;]*m|[\s\S]/gu;

/** Columns a string takes in a terminal, escape codes excluded. */
export function textWidth(text: string): number {
  let width = 0;
  for (const char of text.replace(SGR, '')) width += charWidth(char.codePointAt(0) ?? 0);
  return width;
}

/**
 * Breaks one line into lines of at most `width` columns, at spaces where it can, keeping colours
 * across the break and the line's indent (plus a list bullet's) on the lines that follow.
 */
export function wrapText(line: string, width: number): string[] {
  if (textWidth(line) <= width) return [line];
  const plain = line.replace(SGR, '');
  const indent = Math.min(Math.floor(width / 2), /^(\s*(?:[*•-] |\d+\. )?)/.exec(plain)?.[1]?.length ?? 0);
  const lines: string[] = [];
  let current = '';
  let currentWidth = 0;
  let styles = '';
  // Where the current line may break: after its last space.
  let breakAt = -1;
  let stylesAtBreak = '';

  const startLine = (rest: string, restWidth: number, carried: string) => {
    current = ' '.repeat(indent) + carried + rest;
    currentWidth = indent + restWidth;
    breakAt = -1;
  };

  for (const token of line.match(TOKEN) ?? []) {
    if (token.startsWith('\u001b[')) {
      styles = /^\u001b\[0?m$/.test(token) ? '' : styles + token;
      current += token;
      continue;
    }
    const w = charWidth(token.codePointAt(0) ?? 0);
    if (currentWidth + w > width && currentWidth > indent) {
      if (breakAt > 0 && token !== ' ') {
        const rest = current.slice(breakAt);
        lines.push(current.slice(0, breakAt).trimEnd());
        startLine(rest, textWidth(rest), stylesAtBreak);
      } else {
        lines.push(current.trimEnd());
        startLine('', 0, styles);
        if (token === ' ') continue;
      }
    }
    current += token;
    currentWidth += w;
    if (token === ' ' && currentWidth > indent) {
      breakAt = current.length;
      stylesAtBreak = styles;
    }
  }
  if (current.replace(SGR, '').trim() !== '') lines.push(current);
  return lines;
}

/** 2 for wide East Asian characters and emoji, 0 for combining marks, 1 otherwise. */
function charWidth(code: number): number {
  if (code === 0 || (code >= 0x300 && code <= 0x36f) || code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f)) return 0;
  const wide =
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd);
  return wide ? 2 : 1;
}
