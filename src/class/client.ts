import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { BATCH_MAX, type ClassEvent } from './event.js';
import { queueOf, readMembership, type Membership } from './membership.js';

/** An answer from the class server, or why there was none. */
export interface Reply {
  ok: boolean;
  /** 0 when no answer came: then `error` says why (ECONNREFUSED, a timeout). */
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  error?: string;
}

/** POSTs or GETs JSON with a deadline; a network failure is a reply with status 0, never a throw. */
export async function request(url: string, { method = 'POST', body, key, timeoutMs = 3_000 }: { method?: string; body?: unknown; key?: string; timeoutMs?: number } = {}): Promise<Reply> {
  try {
    const response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { error: text.slice(0, 200) };
    }
    return { ok: response.ok, status: response.status, body: parsed, headers: Object.fromEntries(response.headers) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, status: 0, body: {}, error: cause ?? (error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : String(error)) };
  }
}

export const endpoint = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path}`;

/** How a delivery went: how many events the server took, how many wait, and why they wait. */
export interface Delivery {
  sent: number;
  left: number;
  /** Why the queue is not empty: offline, rate limited, key refused; absent when it is. */
  reason?: string;
}

export interface DeliveryOptions {
  /** How long one request may take. */
  timeoutMs?: number;
  /** How long the whole delivery may take; what is left waits for the next. */
  deadlineMs?: number;
}

/** The delivery running in this process, by state dir. */
const inFlight = new Map<string, Promise<Delivery>>();

/**
 * Sends the queue to the class server in order, in batches, until it is empty or the server cannot
 * take more now. Never throws: what is not delivered stays queued for the next try. One delivery at a
 * time in a process (a second waits for the first, then sends what is left), and across processes
 * the queue's lock keeps it so.
 */
export async function deliverPending(stateDir: string, options: DeliveryOptions = {}): Promise<Delivery> {
  for (let running = inFlight.get(stateDir); running; running = inFlight.get(stateDir)) await running.catch(() => undefined);
  const delivery = deliverOnce(stateDir, options);
  inFlight.set(stateDir, delivery);
  try {
    return await delivery;
  } finally {
    if (inFlight.get(stateDir) === delivery) inFlight.delete(stateDir);
  }
}

async function deliverOnce(stateDir: string, { timeoutMs = 3_000, deadlineMs = 10_000 }: DeliveryOptions): Promise<Delivery> {
  const membership = readMembership(stateDir);
  if (!membership) return { sent: 0, left: 0 };
  const queue = queueOf(stateDir);
  const started = Date.now();
  const delivered = await queue.exclusively(async (): Promise<Delivery> => {
    let sent = 0;
    let size = BATCH_MAX;
    for (;;) {
      const pending = queue.pending().filter((event) => event.learner === membership.learner);
      if (pending.length === 0) return { sent, left: 0 };
      if (Date.now() - started > deadlineMs) return { sent, left: pending.length, reason: 'out of time' };
      const batch = pending.slice(0, size);
      const reply = await request(endpoint(membership.url, '/api/events'), { body: { events: batch }, key: membership.key, timeoutMs });
      if (reply.ok) {
        queue.acknowledge(Math.max(...batch.map((event) => event.seq)));
        sent += batch.length;
        size = BATCH_MAX;
        continue;
      }
      if (reply.status === 400) {
        // One event the server will never take must not hold the rest back: find it, set it aside.
        if (batch.length > 1) {
          size = 1;
          continue;
        }
        setAside(queue.dir, batch[0]!);
        continue;
      }
      if (reply.status === 429) {
        // A long queue (a learner offline for an hour) goes at the server's pace, within the deadline.
        const waitMs = Math.max(1, Number(reply.headers?.['retry-after']) || 1) * 1_000;
        if (Date.now() + waitMs - started < deadlineMs) {
          await new Promise((resolve) => setTimeout(resolve, waitMs));
          continue;
        }
      }
      const reason = reply.status === 0 ? `offline (${reply.error ?? 'no answer'})` : reply.status === 429 ? 'rate limited' : `the server answered ${reply.status}: ${String(reply.body.error ?? '')}`;
      return { sent, left: pending.length, reason };
    }
  });
  return delivered ?? { sent: 0, left: queueOf(stateDir).pending().length, reason: 'another lab is delivering' };
}

function setAside(dir: string, event: ClassEvent): void {
  const file = join(dir, `${String(event.seq).padStart(12, '0')}.json`);
  try {
    renameSync(file, `${file}.rejected`);
  } catch {
    // Already gone: another delivery set it aside.
  }
}

export async function joinClass(url: string, code: string, name: string): Promise<Reply> {
  return request(endpoint(url, '/api/join'), { body: { code, name } });
}

export async function raiseHand(membership: Membership, up: boolean, message?: string): Promise<Reply> {
  return request(endpoint(membership.url, '/api/hand'), { body: { up, ...(message ? { message } : {}) }, key: membership.key });
}

/** The interface's `?`: raises the hand of the learner of this state dir; says how it went, in a line. */
export async function raiseHandFrom(stateDir: string): Promise<string> {
  const membership = readMembership(stateDir);
  if (!membership) return 'You are not in a class: `lab class join URL CODE` (the line the instructor printed) joins one.';
  const reply = await raiseHand(membership, true);
  if (reply.ok) return 'Your hand is raised on the class board. `lab class hand --down` lowers it.';
  return reply.status === 0 ? `Can't reach the class server at ${membership.url} (${reply.error ?? 'no answer'}): your hand is not raised.` : `The class server refused (${reply.status}): ${String(reply.body.error ?? '')}`;
}
