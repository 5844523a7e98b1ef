import { describe, expect, it } from '@jest/globals';
import { renderMarkdown } from '../../src/lessons/render-markdown.js';
import { textWidth, wrapText } from '../../src/lessons/text-width.js';

const lesson = `# Run one server

Build the **example service** and run it as \`simple-server-test\`; its log says it serves on 8080 once it is up, see [the docs](https://docs.docker.com/engine/).

- \`docker ps\` lists it, and \`docker logs simple-server-test\` shows what it printed since it started
- remove it with \`docker rm -f simple-server-test\`

\`\`\`sh step=run long
docker run --rm --name simple-server-test -p 127.0.0.1:8080:8080 localhost:5000/simple-server --label dev.dockerlab.managed=true
\`\`\`

| port | what |
|------|------|
| 8080 | the service |
`;

const ESC = '\u001b';

describe('renderMarkdown', () => {
  it('has no escape codes when colour is off', () => {
    expect(renderMarkdown(lesson, 80, false)).not.toContain(ESC);
  });

  it('keeps every line within the width', () => {
    for (const width of [40, 80]) {
      for (const line of renderMarkdown(lesson, width, false).split('\n')) expect(textWidth(line)).toBeLessThanOrEqual(width);
    }
  });

  it('keeps lines within the width with colour on too', () => {
    for (const line of renderMarkdown(lesson, 50, true).split('\n')) expect(textWidth(line)).toBeLessThanOrEqual(50);
  });

  it('drops the step markers from code fences', () => {
    const text = renderMarkdown(lesson, 80, false);
    expect(text).not.toContain('step=');
    expect(text).toContain('docker run --rm --name simple-server-test');
  });

  it('marks inline code with backticks when there is no colour to mark it', () => {
    expect(renderMarkdown(lesson, 100, false)).toContain('run it as `simple-server-test`');
  });

  it('renders the same text on every call (no state between renderers)', () => {
    expect(renderMarkdown(lesson, 60, false)).toBe(renderMarkdown(lesson, 60, false));
    expect(renderMarkdown(lesson, 60, false)).not.toBe(renderMarkdown(lesson, 70, false));
  });
});

describe('wrapText', () => {
  it('breaks at spaces and indents list continuations under the text', () => {
    expect(wrapText('  * one two three four five', 14)).toEqual(['  * one two', '    three four', '    five']);
  });

  it('cuts a word longer than the width', () => {
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('carries colour across a break', () => {
    const [first, second] = wrapText(`${ESC}[33mone two three${ESC}[39m`, 8);
    expect(first).toBe(`${ESC}[33mone two`);
    expect(second).toBe(`${ESC}[33mthree${ESC}[39m`);
  });
});

describe('renderMarkdown and port mappings', () => {
  it('leaves text between colons as written (no emoji shortcodes)', () => {
    expect(renderMarkdown('Publish it with -p 127.0.0.1:100:100 and check :100: too.', 80, false)).toContain('127.0.0.1:100:100 and check :100: too.');
  });
});
