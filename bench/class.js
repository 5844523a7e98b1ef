#!/usr/bin/env node
// The class board under a class's load: 30 simulated learners each send a check event a second for
// 60 s to a real `lab class serve` (its own process, a fresh data dir, on loopback). Each learner goes
// through the lab's own learner path (the on-disk queue, then delivery), with a state dir of its own.
// Measured: events lost (queued by a learner but not stored by the server at the end; goal 0), the
// board's latency (from queuing an event to the board stream, as an open board page receives it,
// carrying it; goal median and p95 <= 1 s), and the server's resident memory (sampled each second).
// Usage: node bench/class.js [learners=30] [seconds=60]. No Docker needed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { deliverPending } = await import('../dist/class/client.js');
const { queueOf, writeMembership } = await import('../dist/class/membership.js');

const LEARNERS = Number(process.argv[2] ?? 30);
const SECONDS = Number(process.argv[3] ?? 60);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (values) => [...values].sort((a, b) => a - b);
const at = (values, q) => values[Math.min(values.length - 1, Math.floor(q * values.length))];

const data = mkdtempSync(join(tmpdir(), 'lab-bench-class-'));
const server = spawn(process.execPath, ['dist/cli/main.js', 'class', 'serve', '--port', '0', '--data', data], { env: { ...process.env, NO_COLOR: '1', LAB_STATE_DIR: data }, stdio: ['ignore', 'pipe', 'inherit'] });
let printed = '';
server.stdout.on('data', (chunk) => (printed += chunk));
while (!/Instructor token: (\S+)/.test(printed)) await sleep(20);
const [, url, code] = /lab class join (\S+) (\S+)/.exec(printed);
const token = /Instructor token: (\S+)/.exec(printed)[1];
const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) / 1024;
const rssAtStart = rss();

// The board, as an open page receives it: the server-sent `board` events and the events each is for.
const seenAt = new Map();
const stream = await fetch(`${url}/api/stream`, { headers: { authorization: `Bearer ${token}` } });
const reader = stream.body.getReader();
void (async () => {
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += new TextDecoder().decode(value);
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const message = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const line = message.split('\n').find((l) => l.startsWith('data: '));
      if (!line) continue;
      const now = Date.now();
      for (const key of JSON.parse(line.slice(6)).changed) if (!seenAt.has(key)) seenAt.set(key, now);
    }
  }
})();

const learners = [];
for (let i = 0; i < LEARNERS; i++) {
  const response = await fetch(`${url}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name: `bench ${i + 1}` }) });
  const { learner, key } = await response.json();
  const dir = mkdtempSync(join(tmpdir(), 'lab-bench-class-learner-'));
  writeMembership(dir, { url, learner, key, name: `bench ${i + 1}`, joinedAt: new Date().toISOString() });
  learners.push({ learner, dir, queue: queueOf(dir) });
}

const queuedAt = new Map();
const stages = ['single-host', 'horizontal-scale', 'load-balancing', 'service-discovery', 'multi-host', 'orchestration'];
let peakRss = rssAtStart;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, rss())), 1_000);
const started = Date.now();
// Each learner at its own offset within the second, once a second: a check run, queued and delivered.
await Promise.all(
  learners.map(async ({ learner, dir, queue }, index) => {
    await sleep((index * 1_000) / LEARNERS);
    for (let n = 0; n < SECONDS; n++) {
      const due = started + (index * 1_000) / LEARNERS + n * 1_000;
      await sleep(Math.max(0, due - Date.now()));
      const passed = n % 3 === 2;
      const event = queue.enqueue((seq) => ({
        learner,
        seq,
        stage: stages[Math.floor(n / 10) % stages.length],
        challenge: false,
        passed,
        checks: [
          { status: 'pass', title: 'the image is built with the lab labels', hinted: false },
          { status: passed ? 'pass' : 'fail', title: 'its log says it serves on 8080', hinted: !passed },
        ],
        at: new Date().toISOString(),
      }));
      queuedAt.set(`${learner}:${event.seq}`, Date.now());
      await deliverPending(dir, { timeoutMs: 2_000, deadlineMs: 5_000 });
    }
  }),
);
// Whatever is still queued goes now, as the learners' next lab command would send it.
for (const { dir } of learners) await deliverPending(dir);
await sleep(500);
clearInterval(sampler);
const rssAtEnd = rss();

const board = await (await fetch(`${url}/api/board`, { headers: { authorization: `Bearer ${token}` } })).json();
let stored = 0;
for (const { learner } of learners) {
  const { events } = await (await fetch(`${url}/api/events?learner=${learner}`, { headers: { authorization: `Bearer ${token}` } })).json();
  stored += new Set(events.map((e) => e.seq)).size;
}
const latencies = sorted([...queuedAt].filter(([key]) => seenAt.has(key)).map(([key, queued]) => seenAt.get(key) - queued));
const queued = queuedAt.size;
const stillQueued = learners.reduce((sum, { queue }) => sum + queue.pending().length, 0);
server.kill('SIGINT');

console.log(`class board: ${LEARNERS} learners x 1 event/s x ${SECONDS} s (real lab class serve on loopback; learners through the lab's on-disk queue)`);
console.log(`  events queued by learners      ${queued}`);
console.log(`  events stored by the server    ${stored}`);
console.log(`  events lost                    ${queued - stored} (${((100 * (queued - stored)) / queued).toFixed(2)}%; goal 0); still queued at the end: ${stillQueued}`);
console.log(`  events seen on the board stream ${latencies.length} of ${queued}`);
console.log(`  board latency (queued -> board stream): median ${at(latencies, 0.5)} ms, p95 ${at(latencies, 0.95)} ms, max ${latencies.at(-1)} ms (goal <= 1000 ms)`);
console.log(`  server RSS: ${rssAtStart.toFixed(0)} MB at start, peak ${peakRss.toFixed(0)} MB, ${rssAtEnd.toFixed(0)} MB at the end`);
console.log(`  server counters: ${JSON.stringify(board.counters)}`);
console.log(`  elapsed ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(queued === stored ? 0 : 1);
