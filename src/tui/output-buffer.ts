// Escapes and control characters in a command's output: the pane shows its words only.
const ESCAPES = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * The last lines of streamed output, bounded: a long build keeps memory flat and the pane
 * draws only its tail.
 */
export class OutputBuffer {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly limit = 200) {}

  /** Appends a chunk; a chunk may end mid-line, and `\r` rewrites the line as progress bars do. */
  append(chunk: string): void {
    const pieces = (this.partial + chunk.replace(ESCAPES, '')).split(/\r?\n/);
    this.partial = pieces.pop() ?? '';
    for (const piece of pieces) this.push(clean(piece));
  }

  /** A line of the lab's own, such as the command about to run. */
  note(line: string): void {
    this.flush();
    this.push(line);
  }

  clear(): void {
    this.lines = [];
    this.partial = '';
  }

  /** The last `count` lines, the unfinished one included. */
  tail(count: number): string[] {
    const all = this.partial === '' ? this.lines : [...this.lines, clean(this.partial)];
    return count <= 0 ? [] : all.slice(-count);
  }

  get size(): number {
    return this.lines.length + (this.partial === '' ? 0 : 1);
  }

  private flush(): void {
    if (this.partial !== '') this.push(clean(this.partial));
    this.partial = '';
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }
}

/** What a terminal would leave on the line: the text after the last carriage return. */
function clean(line: string): string {
  const shown = line.slice(line.lastIndexOf('\r') + 1);
  return shown.replace(/\t/g, '    ').replace(CONTROL, '');
}
