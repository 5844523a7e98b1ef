import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Stage } from '../../src/lessons/types.js';
import { followStageChecks, type LiveRound } from '../../src/live/follow-checks.js';
import { eventMatches } from '../../src/runtime/engine-events.js';
import { fakeEngine } from '../helpers/fake-engine.js';

/** Any type, any labels: only whether the action is a change worth a look. */
const isRelevantEvent = (line: string) => eventMatches(line, { types: [] });

const stage = { id: 'single-host', checks: [{ kind: 'container-running', title: 'box runs', container: 'box' }] } as unknown as Stage;

async function until(what: () => boolean, ms = 2_000): Promise<void> {
  const started = Date.now();
  while (!what()) {
    if (Date.now() - started > ms) throw new Error('not within the deadline');
    await sleep(5);
  }
}

describe('live checks', () => {
  it('looks at once, then again on an engine event, and says the stage passed', async () => {
    const engine = fakeEngine();
    const rounds: LiveRound[] = [];
    const stop = followStageChecks(stage, engine, (round) => rounds.push(round), { debounceMs: 20, pollMs: 60_000 });
    await until(() => rounds.length === 1);
    expect(rounds[0]).toMatchObject({ trigger: 'start', stagePassed: false, changed: ['box runs'] });
    await engine.streamOpened;
    engine.start('box');
    engine.emit('box');
    await until(() => rounds.length === 2);
    expect(rounds[1]).toMatchObject({ trigger: 'event', stagePassed: true, changed: ['box runs'] });
    stop();
  });

  it('makes one round of a burst of events (a docker run is create, connect, start)', async () => {
    const engine = fakeEngine();
    const rounds: LiveRound[] = [];
    const stop = followStageChecks(stage, engine, (round) => rounds.push(round), { debounceMs: 50, pollMs: 60_000 });
    await until(() => rounds.length === 1);
    await engine.streamOpened;
    for (const action of ['create', 'connect', 'start', 'attach', 'start']) engine.emit('box', action);
    await sleep(300);
    expect(rounds.map((r) => r.trigger)).toEqual(['start', 'event']);
    // Nothing changed between the two rounds: nothing to print.
    expect(rounds[1]?.changed).toEqual([]);
    stop();
  });

  it('looks again on its slow timer for what events cannot see, and stops when told', async () => {
    const engine = fakeEngine();
    const rounds: LiveRound[] = [];
    const stop = followStageChecks(stage, engine, (round) => rounds.push(round), { debounceMs: 20, pollMs: 40 });
    await until(() => rounds.length >= 3);
    expect(rounds.slice(1).every((r) => r.trigger === 'timer')).toBe(true);
    stop();
    const seen = engine.looks();
    await sleep(150);
    expect(engine.looks()).toBe(seen);
  });

  it('never runs a drill, and does not call a stage with one passed', async () => {
    const engine = fakeEngine();
    engine.start('box');
    const withDrill = { id: 'service-discovery', checks: [...stage.checks, { kind: 'consul-drill', title: 'the drill', remove: ['server_1'], lb: 'lb', servers: 5, rate: 1, deadline: 100 }] } as unknown as Stage;
    const rounds: LiveRound[] = [];
    const stop = followStageChecks(withDrill, engine, (round) => rounds.push(round), { debounceMs: 20, pollMs: 60_000 });
    await until(() => rounds.length === 1);
    expect(rounds[0]).toMatchObject({ stagePassed: false, report: { passed: true, skipped: ['the drill'] } });
    expect(engine.looks()).toBe(1);
    stop();
  });

  it('hears lifecycle events, not exec or health-check noise', () => {
    expect(isRelevantEvent('{"Type":"container","Action":"start"}')).toBe(true);
    expect(isRelevantEvent('{"Type":"network","Action":"connect"}')).toBe(true);
    expect(isRelevantEvent('{"Type":"image","Action":"push"}')).toBe(true);
    expect(isRelevantEvent('{"Type":"container","Action":"exec_start: sh -c true"}')).toBe(false);
    expect(isRelevantEvent('{"Type":"container","Action":"health_status: healthy"}')).toBe(false);
    expect(isRelevantEvent('not json')).toBe(false);
  });
});
