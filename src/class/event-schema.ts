import { z } from 'zod';
import { BATCH_MAX, TITLE_MAX, type ClassEvent } from './event.js';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);

export const checkMarkSchema = z.strictObject({
  status: z.enum(['pass', 'warn', 'fail']),
  title: z.string().min(1).max(TITLE_MAX),
  hinted: z.boolean(),
});

/** An event as the server accepts it: strict, so nothing beyond these fields is ever stored. */
export const classEventSchema = z.strictObject({
  learner: slug,
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  stage: slug,
  challenge: z.boolean(),
  passed: z.boolean(),
  checks: z.array(checkMarkSchema).max(50),
  at: z.iso.datetime({ offset: true }),
});

export const eventBatchSchema = z.strictObject({ events: z.array(classEventSchema).min(1).max(BATCH_MAX) });

export type ParsedBatch = { ok: true; events: ClassEvent[] } | { ok: false; problem: string };

/** Pure: a POST body's JSON as a batch of events, or the first problem in words. */
export function parseEventBatch(value: unknown): ParsedBatch {
  const parsed = eventBatchSchema.safeParse(value);
  if (parsed.success) return { ok: true, events: parsed.data.events };
  const issue = parsed.error.issues[0]!;
  return { ok: false, problem: `${issue.path.join('.') || 'body'}: ${issue.message}` };
}

export const joinSchema = z.strictObject({ code: z.string().min(1).max(64), name: z.string().trim().min(1).max(40) });
export const handSchema = z.strictObject({ up: z.boolean(), message: z.string().max(200).optional() });
