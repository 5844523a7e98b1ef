import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { forgetStages, recordChallenge, recordReport, recordStarted } from '../../src/progress/record.js';
import { createProgressStore, emptyProgress, parseProgress, stateDir } from '../../src/progress/store.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'lab-state-'));
const report = (stageId: string, passed: boolean) => ({
  stageId,
  passed,
  finishedAt: '2026-11-25T10:00:00.000Z',
  results: [{ kind: 'http' as const, title: 't', status: passed ? ('pass' as const) : ('fail' as const), summary: 's', durationMs: 1 }],
});

describe('the progress store', () => {
  it('lives under the XDG state dir', () => {
    expect(stateDir({ XDG_STATE_HOME: '/x', HOME: '/h' })).toBe('/x/dockerlab');
    expect(stateDir({ HOME: '/h' })).toBe('/h/.local/state/dockerlab');
  });

  it('starts empty and round-trips what it saved, by stage id', () => {
    const store = createProgressStore(freshDir());
    expect(store.load().progress).toEqual(emptyProgress());
    const progress = recordReport(recordStarted(emptyProgress(), 'single-host', 'now'), report('single-host', true));
    store.update(() => progress);
    expect(store.load().progress.stages['single-host']).toMatchObject({ status: 'passed', attempts: 1, passedAt: '2026-11-25T10:00:00.000Z' });
  });

  it('writes atomically, leaving no temporary file behind', () => {
    const dir = freshDir();
    createProgressStore(dir).update(() => emptyProgress());
    expect(readdirSync(dir)).toEqual(['progress.json']);
  });

  it('moves a corrupt file aside with a warning and goes on afresh', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'progress.json'), '{"version": 1, "stages": ');
    const store = createProgressStore(dir, () => new Date('2026-11-25T10:00:00Z'));
    const loaded = store.load();
    expect(loaded.progress).toEqual(emptyProgress());
    expect(loaded.warning).toContain('progress.json.corrupt-2026-11-25T10-00-00-000Z');
    expect(existsSync(join(dir, 'progress.json'))).toBe(false);
    expect(readFileSync(join(dir, 'progress.json.corrupt-2026-11-25T10-00-00-000Z'), 'utf8')).toContain('"stages"');
  });

  it('treats valid JSON of the wrong shape as corrupt too', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'progress.json'), JSON.stringify({ version: 9, stages: [] }));
    expect(createProgressStore(dir).load().warning).toMatch(/moved to/);
  });
});

describe('progress records', () => {
  it('keeps the first pass time when a later check fails', () => {
    const passed = recordReport(emptyProgress(), report('a', true));
    const failed = recordReport(passed, { ...report('a', false), finishedAt: 'later' });
    expect(failed.stages.a).toMatchObject({ status: 'failed', attempts: 2, passedAt: '2026-11-25T10:00:00.000Z' });
  });

  it('forgets one stage and keeps the others', () => {
    const both = recordReport(recordReport(emptyProgress(), report('a', true)), report('b', true));
    expect(Object.keys(forgetStages(both, ['a']).stages)).toEqual(['b']);
  });
});

describe('parseProgress (the file, checked without zod)', () => {
  const stage = { status: 'passed', updatedAt: 't', passedAt: 't', attempts: 2, lastChecks: [{ title: 'a', status: 'pass', summary: 's' }], checkFailures: { a: 0 }, quiz: { q: { choice: 1, tries: 2, answeredAt: 't' } } };

  it('takes every field the lab writes, and drops what it does not know', () => {
    expect(parseProgress({ version: 1, current: 'x', stages: { x: { ...stage, extra: true } }, other: 1 })).toEqual({ version: 1, current: 'x', stages: { x: stage } });
  });

  it('counts attempts from 0 when a file has none', () => {
    expect(parseProgress({ version: 1, stages: { x: { status: 'started', updatedAt: 't' } } })?.stages.x?.attempts).toBe(0);
  });

  it.each([
    ['another version', { version: 2, stages: {} }],
    ['no stages', { version: 1 }],
    ['an unknown status', { version: 1, stages: { x: { ...stage, status: 'done' } } }],
    ['a negative attempt count', { version: 1, stages: { x: { ...stage, attempts: -1 } } }],
    ['a check without its summary', { version: 1, stages: { x: { ...stage, lastChecks: [{ title: 'a', status: 'pass' }] } } }],
    ['an answer of no tries', { version: 1, stages: { x: { ...stage, quiz: { q: { choice: 0, tries: 0, answeredAt: 't' } } } } }],
    ['a current stage that is not a string', { version: 1, current: 3, stages: {} }],
    ['an array', []],
  ])('refuses %s', (_what, value) => {
    expect(parseProgress(value)).toBeUndefined();
  });
});

describe("a stage's challenge in progress", () => {
  const report = (passed: boolean, finishedAt: string) => ({ stageId: 'load-balancing', passed, finishedAt, results: [] });

  it('is recorded beside the stage, keeping the first pass, and survives the stage being checked again', () => {
    let progress = recordChallenge(emptyProgress(), report(false, '2026-12-07T10:00:00Z'));
    expect(progress.stages['load-balancing']).toMatchObject({ status: 'started', challenge: { status: 'failed', updatedAt: '2026-12-07T10:00:00Z' } });
    progress = recordChallenge(progress, report(true, '2026-12-07T10:05:00Z'));
    progress = recordChallenge(progress, report(false, '2026-12-07T10:09:00Z'));
    expect(progress.stages['load-balancing']?.challenge).toEqual({ status: 'failed', updatedAt: '2026-12-07T10:09:00Z', passedAt: '2026-12-07T10:05:00Z' });
    progress = recordReport(progress, { ...report(true, '2026-12-07T10:10:00Z'), results: [] });
    expect(progress.stages['load-balancing']).toMatchObject({ status: 'passed', challenge: { status: 'failed' } });
    expect(parseProgress(JSON.parse(JSON.stringify(progress)))).toEqual(progress);
  });

  it('makes a progress file with a malformed challenge unreadable (it is backed up, as any corrupt file)', () => {
    expect(parseProgress({ version: 1, stages: { one: { status: 'started', updatedAt: 'now', attempts: 0, challenge: { status: 'won', updatedAt: 'now' } } } })).toBeUndefined();
  });
});
