import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CheckMark, ClassEvent } from './event.js';

/** One learner's row on the board. */
export interface BoardLearner {
  id: string;
  name: string;
  demo: boolean;
  lastSeq: number;
  lastSeen: string | undefined;
  hand: { message: string; raisedAt: string } | undefined;
  /** By stage id: the stage's latest check run. */
  cells: Record<string, BoardCell>;
}

export interface BoardCell {
  state: 'passed' | 'failed';
  /** The first failing check's title (else the first warning's), for the cell's tooltip. */
  failing: string | undefined;
  fails: number;
  warns: number;
  hintsUsed: number;
  challenge: 'passed' | 'failed' | undefined;
  at: string;
}

export interface Board {
  learners: BoardLearner[];
  counters: Record<string, number>;
}

export interface StoredEvent extends ClassEvent {
  receivedAt: string;
}

/** The class server's state: learners and their keys, every accepted event, raised hands, counters. */
export interface ClassStore {
  /** The class code and instructor token, made on first start and kept across restarts. */
  secrets(): { code: string; token: string };
  addLearner(name: string, options?: { demo?: boolean }): { learner: string; key: string };
  /** The learner whose key this is, if any. */
  learnerOf(key: string): string | undefined;
  /** Stores the events the server does not have yet; returns how many were new. */
  addEvents(events: ClassEvent[]): number;
  setHand(learner: string, up: boolean, message?: string): void;
  count(counter: string, by?: number): void;
  board(): Board;
  eventsOf(learner: string): StoredEvent[];
  close(): void;
}

const hash = (key: string) => createHash('sha256').update(key).digest('hex');
/** Class codes avoid letters that read alike on a projector (0/O, 1/I/L). */
const CODE_LETTERS = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const makeCode = () => [...randomBytes(6)].map((byte) => CODE_LETTERS[byte % CODE_LETTERS.length]).join('');

export function openClassStore(dataDir: string, now: () => string = () => new Date().toISOString()): ClassStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, 'class.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS learners (id TEXT PRIMARY KEY, name TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE, demo INTEGER NOT NULL DEFAULT 0,
      joined_at TEXT NOT NULL, last_seen TEXT, last_seq INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS events (learner TEXT NOT NULL, seq INTEGER NOT NULL, stage TEXT NOT NULL, challenge INTEGER NOT NULL,
      passed INTEGER NOT NULL, checks TEXT NOT NULL, at TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (learner, seq));
    CREATE TABLE IF NOT EXISTS cells (learner TEXT NOT NULL, stage TEXT NOT NULL, challenge INTEGER NOT NULL, seq INTEGER NOT NULL,
      passed INTEGER NOT NULL, checks TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (learner, stage, challenge));
    CREATE TABLE IF NOT EXISTS hands (learner TEXT PRIMARY KEY, message TEXT NOT NULL, raised_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `);
  const getMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE name = ?');
  const setMeta = db.prepare('INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)');
  const insertLearner = db.prepare('INSERT INTO learners (id, name, key_hash, demo, joined_at) VALUES (?, ?, ?, ?, ?)');
  const byKey = db.prepare<[string], { id: string }>('SELECT id FROM learners WHERE key_hash = ?');
  const insertEvent = db.prepare('INSERT OR IGNORE INTO events (learner, seq, stage, challenge, passed, checks, at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  // A cell keeps the run with the highest sequence number: a late redelivery never turns it back.
  const upsertCell = db.prepare(`INSERT INTO cells (learner, stage, challenge, seq, passed, checks, at) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (learner, stage, challenge) DO UPDATE SET seq = excluded.seq, passed = excluded.passed, checks = excluded.checks, at = excluded.at
    WHERE excluded.seq > cells.seq`);
  const touchLearner = db.prepare('UPDATE learners SET last_seen = ?, last_seq = MAX(last_seq, ?) WHERE id = ?');
  const bump = db.prepare('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value');

  const secret = (name: string, make: () => string) => {
    setMeta.run(name, make());
    return getMeta.get(name)!.value;
  };
  const addEvents = db.transaction((events: ClassEvent[]) => {
    let added = 0;
    const received = now();
    for (const event of events) {
      const checks = JSON.stringify(event.checks);
      const { changes } = insertEvent.run(event.learner, event.seq, event.stage, event.challenge ? 1 : 0, event.passed ? 1 : 0, checks, event.at, received);
      if (changes === 0) continue;
      added += 1;
      upsertCell.run(event.learner, event.stage, event.challenge ? 1 : 0, event.seq, event.passed ? 1 : 0, checks, event.at);
      touchLearner.run(received, event.seq, event.learner);
    }
    return added;
  });

  return {
    secrets: () => ({ code: secret('code', makeCode), token: secret('token', () => randomBytes(24).toString('base64url')) }),
    addLearner(name, { demo = false } = {}) {
      const learner = `l-${randomBytes(5).toString('hex')}`;
      const key = randomBytes(24).toString('base64url');
      insertLearner.run(learner, name, hash(key), demo ? 1 : 0, now());
      return { learner, key };
    },
    learnerOf: (key) => byKey.get(hash(key))?.id,
    addEvents: (events) => addEvents(events),
    setHand(learner, up, message = '') {
      if (up) db.prepare('INSERT INTO hands (learner, message, raised_at) VALUES (?, ?, ?) ON CONFLICT (learner) DO UPDATE SET message = excluded.message').run(learner, message, now());
      else db.prepare('DELETE FROM hands WHERE learner = ?').run(learner);
    },
    count: (counter, by = 1) => void bump.run(counter, by),
    board() {
      // In the order they were raised (rowid: a raised hand keeps its row until lowered).
      const hands = new Map(
        db.prepare<[], { learner: string; message: string; raised_at: string }>('SELECT learner, message, raised_at FROM hands ORDER BY rowid').all().map((h) => [h.learner, { message: h.message, raisedAt: h.raised_at }]),
      );
      const learners = new Map<string, BoardLearner>();
      for (const row of db.prepare<[], { id: string; name: string; demo: number; last_seq: number; last_seen: string | null }>('SELECT id, name, demo, last_seq, last_seen FROM learners ORDER BY rowid').all()) {
        learners.set(row.id, { id: row.id, name: row.name, demo: row.demo === 1, lastSeq: row.last_seq, lastSeen: row.last_seen ?? undefined, hand: hands.get(row.id), cells: {} });
      }
      const cells = db.prepare<[], { learner: string; stage: string; challenge: number; passed: number; checks: string; at: string }>('SELECT learner, stage, challenge, passed, checks, at FROM cells ORDER BY challenge').all();
      for (const cell of cells) {
        const learner = learners.get(cell.learner);
        if (!learner) continue;
        const checks = JSON.parse(cell.checks) as CheckMark[];
        if (cell.challenge === 1) {
          const stage = learner.cells[cell.stage];
          if (stage) stage.challenge = cell.passed === 1 ? 'passed' : 'failed';
          continue;
        }
        learner.cells[cell.stage] = {
          state: cell.passed === 1 ? 'passed' : 'failed',
          failing: (checks.find((c) => c.status === 'fail') ?? checks.find((c) => c.status === 'warn'))?.title,
          fails: checks.filter((c) => c.status === 'fail').length,
          warns: checks.filter((c) => c.status === 'warn').length,
          hintsUsed: checks.filter((c) => c.hinted).length,
          challenge: undefined,
          at: cell.at,
        };
      }
      const counters = Object.fromEntries(db.prepare<[], { name: string; value: number }>('SELECT name, value FROM counters').all().map((c) => [c.name, c.value]));
      // Raised hands first, oldest hand first; then everyone in the order they joined.
      const raised = [...hands.keys()].map((id) => learners.get(id)).filter((learner) => learner !== undefined);
      const ordered = [...raised, ...[...learners.values()].filter((learner) => !learner.hand)];
      return { learners: ordered, counters };
    },
    eventsOf(learner) {
      return db
        .prepare<[string], { learner: string; seq: number; stage: string; challenge: number; passed: number; checks: string; at: string; received_at: string }>('SELECT * FROM events WHERE learner = ? ORDER BY rowid')
        .all(learner)
        .map((row) => ({ learner: row.learner, seq: row.seq, stage: row.stage, challenge: row.challenge === 1, passed: row.passed === 1, checks: JSON.parse(row.checks) as CheckMark[], at: row.at, receivedAt: row.received_at }));
    },
    close: () => db.close(),
  };
}
