import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEventQueue, type EventQueue } from './queue.js';

/** What `lab class join` keeps in the state dir: where the class is, and who this learner is there. */
export interface Membership {
  url: string;
  learner: string;
  /** The per-learner key the server issued at join: it signs every event as this learner's. */
  key: string;
  name: string;
  joinedAt: string;
}

export const membershipPath = (stateDir: string) => join(stateDir, 'class.json');
export const queueOf = (stateDir: string): EventQueue => createEventQueue(join(stateDir, 'class-queue'));

export function readMembership(stateDir: string): Membership | undefined {
  const path = membershipPath(stateDir);
  if (!existsSync(path)) return undefined;
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Membership>;
    return typeof value.url === 'string' && typeof value.learner === 'string' && typeof value.key === 'string' ? (value as Membership) : undefined;
  } catch {
    return undefined;
  }
}

/** Written readable by its owner only: the key lets anyone write as this learner. */
export function writeMembership(stateDir: string, membership: Membership): void {
  mkdirSync(stateDir, { recursive: true });
  const path = membershipPath(stateDir);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(membership, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Leaves the class: the membership and the queue of undelivered events go. */
export function removeMembership(stateDir: string): void {
  rmSync(membershipPath(stateDir), { force: true });
  rmSync(queueOf(stateDir).dir, { recursive: true, force: true });
}
