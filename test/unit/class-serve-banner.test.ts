import { describe, expect, it } from '@jest/globals';
import { serveBanner } from '../../src/cli/commands/class.js';

const plain = { yellow: (text: string) => text, dim: (text: string) => text };
const base = { port: 8900, local: 'http://127.0.0.1:8900', code: 'K7PQ2M', token: 'tok', dataDir: '/d', tokenPath: '/d/instructor-token', demo: 0 };

describe('what lab class serve prints', () => {
  it('says plainly that 127.0.0.1 is this machine only, and how to open it to the LAN', () => {
    const lines = serveBanner(plain, { ...base, host: '127.0.0.1', forLearners: 'http://127.0.0.1:8900' });
    expect(lines).toContain('It listens on this machine only (127.0.0.1): learners on other laptops cannot reach it. For a class on a LAN, run `lab class serve --host 0.0.0.0`.');
    expect(lines).toContain('  lab class join http://127.0.0.1:8900 K7PQ2M');
  });

  it("gives learners the LAN address with --host 0.0.0.0, and keeps the board's link on this machine", () => {
    const lines = serveBanner(plain, { ...base, host: '0.0.0.0', forLearners: 'http://192.168.1.20:8900' });
    expect(lines).toContain('It listens on every network of this machine (--host 0.0.0.0): anyone on the LAN with the class code can join.');
    expect(lines).toContain('  lab class join http://192.168.1.20:8900 K7PQ2M');
    expect(lines).toContain('Board (instructor only, on this machine): http://127.0.0.1:8900/?token=tok');
    expect(lines.filter((line) => line.includes('tok') && line.includes('192.168'))).toEqual([]);
  });

  it('marks a demo as a demo, first', () => {
    expect(serveBanner(plain, { ...base, host: '127.0.0.1', forLearners: 'http://127.0.0.1:8900', demo: 12 })[0]).toMatch(/^DEMO: 12 simulated learners/);
  });
});
