import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { StageReport } from '../../src/checks/types.js';
import { queueOf, writeMembership } from '../../src/class/membership.js';
import { withClassReporting } from '../../src/class/reporting.js';
import { createProgressRecorder } from '../../src/progress/recorder.js';
import { createProgressStore } from '../../src/progress/store.js';
import { freePort, until } from '../helpers/net.js';
import { createServer } from 'node:http';

const report = (passed: boolean): StageReport => ({ stageId: 'single-host', passed, finishedAt: '2026-12-07T21:00:00.000Z', results: [{ kind: 'quiz', title: 'q', status: passed ? 'pass' : 'fail', summary: 's', durationMs: 1 }] });

async function recorderIn(joined: boolean, { port, retryMs }: { port?: number; retryMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lab-class-reporting-'));
  // A class that does not answer: what is recorded waits in the queue.
  if (joined) writeMembership(dir, { url: `http://127.0.0.1:${port ?? (await freePort())}`, learner: 'l-1', key: 'k', name: 'ada', joinedAt: 't' });
  return { dir, recorder: withClassReporting(createProgressRecorder(createProgressStore(dir)), dir, retryMs ? { retryMs } : {}) };
}

describe('class reporting around the progress recorder', () => {
  it('queues an event for each check run and challenge run, as well as recording progress', async () => {
    const { dir, recorder } = await recorderIn(true);
    expect(recorder.reported(report(false)).stages['single-host']!.status).toBe('failed');
    recorder.challengeReported(report(true));
    expect(queueOf(dir).pending().map((e) => [e.seq, e.challenge, e.passed])).toEqual([[1, false, false], [2, true, true]]);
  });

  it('queues a live pass once, not on every passing round', async () => {
    const { dir, recorder } = await recorderIn(true);
    recorder.passedLive(report(true));
    recorder.passedLive(report(true));
    expect(queueOf(dir).pending()).toHaveLength(1);
  });

  it('queues nothing when the learner has not joined a class', async () => {
    const { dir, recorder } = await recorderIn(false);
    recorder.reported(report(true));
    expect(queueOf(dir).pending()).toEqual([]);
  });

  it('sends what waits once the server is back, with no further check run', async () => {
    const port = await freePort();
    const { dir, recorder } = await recorderIn(true, { port, retryMs: 100 });
    recorder.reported(report(false));
    // The delivery holds the queue's lock from the moment the run is recorded until it gives up.
    expect(existsSync(join(queueOf(dir).dir, 'deliver.lock'))).toBe(true);
    await until('the first delivery to give up', async () => (existsSync(join(queueOf(dir).dir, 'deliver.lock')) ? undefined : true));
    expect(queueOf(dir).pending()).toHaveLength(1);
    const received: number[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const seqs = (JSON.parse(body) as { events: { seq: number }[] }).events.map((e) => e.seq);
        received.push(...seqs);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ accepted: seqs.length, ack: Math.max(...seqs) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      await until('the queue to empty', async () => (queueOf(dir).pending().length === 0 ? true : undefined), 5_000);
      expect(received).toEqual([1]);
    } finally {
      server.close();
    }
  });
});
