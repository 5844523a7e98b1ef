// Preloaded (node --import) into a process the benchmark starts: writes to $BENCH_FIRST_WRITE_FILE
// the milliseconds from the process's start to its first stdout write containing $BENCH_FIRST_WRITE_TEXT.
// What a terminal adds (tmux drawing the pane) is left out, so the figure is the lab's own.
import { appendFileSync } from 'node:fs';

const text = process.env.BENCH_FIRST_WRITE_TEXT ?? '';
const file = process.env.BENCH_FIRST_WRITE_FILE;
const write = process.stdout.write.bind(process.stdout);
let seen = false;
process.stdout.write = (chunk, ...rest) => {
  if (!seen && file && String(chunk).includes(text)) {
    seen = true;
    appendFileSync(file, `${performance.now().toFixed(1)}\n`);
  }
  return write(chunk, ...rest);
};
