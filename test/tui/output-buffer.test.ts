import { describe, expect, it } from '@jest/globals';
import { OutputBuffer } from '../../src/tui/output-buffer.js';

describe('the output buffer', () => {
  it('joins chunks that end mid-line', () => {
    const buffer = new OutputBuffer();
    buffer.append('Step 1/4 : FR');
    buffer.append('OM base\nStep 2/4');
    expect(buffer.tail(5)).toEqual(['Step 1/4 : FROM base', 'Step 2/4']);
  });

  it('keeps only the last lines it is allowed', () => {
    const buffer = new OutputBuffer(3);
    buffer.append('1\n2\n3\n4\n5\n');
    expect(buffer.tail(10)).toEqual(['3', '4', '5']);
  });

  it('keeps what a carriage return leaves on the line, and drops colours', () => {
    const buffer = new OutputBuffer();
    buffer.append('\u001b[32mpulling 10%\rpulling 100%\u001b[0m\n');
    expect(buffer.tail(1)).toEqual(['pulling 100%']);
  });

  it("puts the lab's own notes on a line of their own", () => {
    const buffer = new OutputBuffer();
    buffer.append('half a line');
    buffer.note('$ docker ps');
    expect(buffer.tail(5)).toEqual(['half a line', '$ docker ps']);
  });
});
