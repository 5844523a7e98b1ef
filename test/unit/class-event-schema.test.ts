import { describe, expect, it } from '@jest/globals';
import { eventFromReport, TITLE_MAX } from '../../src/class/event.js';
import { parseEventBatch } from '../../src/class/event-schema.js';
import type { StageReport } from '../../src/checks/types.js';

const report: StageReport = {
  stageId: 'single-host',
  passed: false,
  finishedAt: '2026-12-07T21:00:00.000Z',
  results: [
    { kind: 'container-running', title: 'simple-server-test runs', status: 'pass', summary: 'It runs on host laptop-7 with HOME=/home/ada.', durationMs: 5 },
    { kind: 'container-log', title: 'its log says it serves on 8080', status: 'fail', summary: 'No line says 8080 in /var/log/secret.', hint: 'docker logs simple-server-test', durationMs: 7 },
    { kind: 'http', title: 'its endpoints answer', status: 'warn', summary: 'slow', durationMs: 9 },
  ],
};

describe('class events', () => {
  it("carries each check's status, title and whether it showed a hint, and no summary, host or environment", () => {
    const event = eventFromReport(report, { learner: 'l-1', seq: 3, challenge: false });
    expect(event).toEqual({
      learner: 'l-1',
      seq: 3,
      stage: 'single-host',
      challenge: false,
      passed: false,
      at: '2026-12-07T21:00:00.000Z',
      checks: [
        { status: 'pass', title: 'simple-server-test runs', hinted: false },
        { status: 'fail', title: 'its log says it serves on 8080', hinted: true },
        { status: 'warn', title: 'its endpoints answer', hinted: false },
      ],
    });
    expect(JSON.stringify(event)).not.toMatch(/laptop-7|HOME|secret|docker logs/);
  });

  it('cuts a long check title to the length the server accepts', () => {
    const long = { ...report, results: [{ ...report.results[0]!, title: 'x'.repeat(500) }] };
    const event = eventFromReport(long, { learner: 'l-1', seq: 1, challenge: true });
    expect(event.checks[0]!.title).toHaveLength(TITLE_MAX);
    expect(parseEventBatch({ events: [event] }).ok).toBe(true);
  });

  it('accepts a batch of events as the learner sends them', () => {
    const parsed = parseEventBatch({ events: [eventFromReport(report, { learner: 'l-1', seq: 1, challenge: false })] });
    expect(parsed).toMatchObject({ ok: true, events: [{ seq: 1, stage: 'single-host' }] });
  });

  it.each([
    ['an extra field', { env: { HOME: '/root' } }, 'events.0'],
    ['a sequence number of 0', { seq: 0 }, 'events.0.seq'],
    ['a stage id that is not a slug', { stage: '../etc' }, 'events.0.stage'],
    ['a time that is not ISO 8601', { at: 'yesterday' }, 'events.0.at'],
    ['an unknown check status', { checks: [{ status: 'maybe', title: 't', hinted: false }] }, 'events.0.checks.0.status'],
    ['an over-long title', { checks: [{ status: 'pass', title: 'x'.repeat(TITLE_MAX + 1), hinted: false }] }, 'events.0.checks.0.title'],
  ])('refuses an event with %s, naming where', (_, change, path) => {
    const event = { ...eventFromReport(report, { learner: 'l-1', seq: 1, challenge: false }), ...change };
    const parsed = parseEventBatch({ events: [event] });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')}`));
  });

  it('refuses an empty batch and one over the batch size', () => {
    const event = eventFromReport(report, { learner: 'l-1', seq: 1, challenge: false });
    expect(parseEventBatch({ events: [] }).ok).toBe(false);
    expect(parseEventBatch({ events: Array.from({ length: 21 }, (_, i) => ({ ...event, seq: i + 1 })) }).ok).toBe(false);
    expect(parseEventBatch([event]).ok).toBe(false);
  });
});
