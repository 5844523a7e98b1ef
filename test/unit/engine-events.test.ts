import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import type { DockerClient } from '../../src/runtime/docker.js';
import { eventMatches, followEngineEvents } from '../../src/runtime/engine-events.js';

const event = (type: string, action: string, attributes: Record<string, string> = {}) => JSON.stringify({ Type: type, Action: action, Actor: { Attributes: attributes } });

describe('which events a follower hears', () => {
  it('admits by type and by label, as the engine would', () => {
    const lab = { types: ['container'], labels: ['dev.dockerlab.managed=true'] };
    expect(eventMatches(event('container', 'start', { 'dev.dockerlab.managed': 'true', name: 'server_1' }), lab)).toBe(true);
    expect(eventMatches(event('container', 'start', { name: 'theirs' }), lab)).toBe(false);
    expect(eventMatches(event('network', 'connect', { 'dev.dockerlab.managed': 'true' }), lab)).toBe(false);
    expect(eventMatches(event('network', 'connect'), { types: ['container', 'network', 'image'] })).toBe(true);
    expect(eventMatches(event('container', 'exec_start: sh', { 'dev.dockerlab.managed': 'true' }), lab)).toBe(false);
  });
});

/** An engine client whose event stream the test writes; it counts the streams opened. */
function engine() {
  const streams: PassThrough[] = [];
  const docker = {
    api: {
      getEvents: async () => {
        const stream = new PassThrough();
        streams.push(stream);
        return stream;
      },
    },
  } as unknown as DockerClient;
  return { docker, streams };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('one event stream for every follower of an engine', () => {
  it('opens one stream for the live panel and the live checks, each hearing what its filter admits, and closes it after the last', async () => {
    const { docker, streams } = engine();
    const heard = { panel: 0, checks: 0, panelOpen: 0, checksOpen: 0 };
    const stopPanel = followEngineEvents(docker, { types: ['container'], labels: ['dev.dockerlab.managed=true'] }, { onChange: () => heard.panel++, onOpen: () => heard.panelOpen++ });
    await tick();
    const stopChecks = followEngineEvents(docker, { types: ['container', 'network', 'image'] }, { onChange: () => heard.checks++, onOpen: () => heard.checksOpen++ });
    await tick();
    expect(streams).toHaveLength(1);
    expect(heard).toMatchObject({ panelOpen: 1, checksOpen: 1 });
    streams[0]!.write(`${event('network', 'connect')}\n`);
    streams[0]!.write(`${event('container', 'start', { 'dev.dockerlab.managed': 'true' })}\n`);
    await tick();
    expect(heard).toMatchObject({ panel: 1, checks: 2 });
    stopPanel();
    expect(streams[0]!.destroyed).toBe(false);
    stopChecks();
    expect(streams[0]!.destroyed).toBe(true);
    // A new follower opens a new stream.
    const stop = followEngineEvents(docker, { types: ['container'] }, { onChange: () => undefined });
    await tick();
    expect(streams).toHaveLength(2);
    stop();
  });

  it('tells every follower when the stream is lost, and a follower after that gets a stream of its own', async () => {
    const { docker, streams } = engine();
    const lost: string[] = [];
    followEngineEvents(docker, { types: ['container'] }, { onChange: () => undefined, onLost: () => lost.push('panel') });
    followEngineEvents(docker, { types: ['image'] }, { onChange: () => undefined, onLost: () => lost.push('checks') });
    await tick();
    streams[0]!.end();
    streams[0]!.resume();
    await tick();
    expect(lost.sort()).toEqual(['checks', 'panel']);
    const stop = followEngineEvents(docker, { types: ['container'] }, { onChange: () => undefined });
    await tick();
    expect(streams).toHaveLength(2);
    stop();
  });
});
