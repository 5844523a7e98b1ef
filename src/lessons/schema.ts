import { z } from 'zod';
import { checkSpecSchemas } from '../checks/registry.js';
import { QUIZ_MAX_CHOICES } from './quiz-limits.js';

export { QUIZ_MAX_CHOICES };
import { LAB_IMAGES, labImage } from '../runtime/image-catalog.js';

/** Stage ids are stable slugs: progress is stored by id, never by position. */
export const stageIdSchema = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase slug like "single-host"');

const commandList = z.array(z.string().min(1, 'must not be empty')).default([]);

/** lessons/track.yaml: command blocks several stages share, by name (`- use: NAME` in a stage). */
export const trackSchema = z.object({
  blocks: z.record(z.string().regex(/^[a-z0-9-]+$/, 'block names are lowercase words joined by hyphens'), z.array(z.string().min(1, 'must not be empty')).min(1, 'a block needs at least one command')),
});


/** One frame of a concept stage's walkthrough: a title and a short markdown body. */
export const walkthroughFrameSchema = z.object({
  title: z.string().min(1),
  body: z.string().min(1),
});

export const quizChoiceSchema = z.object({
  text: z.string().min(1),
  correct: z.boolean().optional(),
  /** Shown when this choice is picked: why it is wrong, or a short confirmation for the right one. */
  why: z.string().min(1),
});

export const quizQuestionSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase slug like "who-offers"'),
    question: z.string().min(1),
    choices: z.array(quizChoiceSchema).min(2, 'a question needs at least 2 choices').max(QUIZ_MAX_CHOICES, `a question has at most ${QUIZ_MAX_CHOICES} choices (a–f)`),
  })
  .superRefine((question, ctx) => {
    const correct = question.choices.filter((choice) => choice.correct === true).length;
    if (correct !== 1) ctx.addIssue({ code: 'custom', path: ['choices'], message: `needs exactly one choice with \`correct: true\`; it has ${correct}` });
  });

export const quizSchema = z
  .array(quizQuestionSchema)
  .min(1, 'a quiz needs at least one question')
  .superRefine((questions, ctx) => {
    const seen = new Set<string>();
    for (const [index, { id }] of questions.entries()) {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `"${id}" is the id of an earlier question too` });
      seen.add(id);
    }
  });

/** A stage's checks: each kind's own spec (src/checks/registry.ts), told apart by `kind`. */
export const checkSchema = z.discriminatedUnion('kind', checkSpecSchemas(z));

export const stageSchema = z.object({
  id: stageIdSchema,
  title: z.string().min(1),
  summary: z.string().min(1),
  requires: z.array(stageIdSchema).default([]),
  setup: commandList,
  solve: commandList,
  cleanup: commandList,
  /**
   * The lab images the stage runs or builds FROM, each once: `lab images build`, `images save`,
   * `doctor` and `lab test` read this list, and a stage opened on an engine without them builds them first.
   */
  images: z
    .array(z.string().refine((reference) => labImage(reference) !== undefined, { message: `is not one of the lab's images (${LAB_IMAGES.map((image) => image.reference).join(', ')})` }))
    .default([])
    .superRefine((images, ctx) => {
      for (const [index, reference] of images.entries()) {
        if (images.indexOf(reference) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `"${reference}" is listed twice` });
      }
    }),
  /** Ports the stage publishes on 127.0.0.1; checked free (or the lab's own) before setup and solve. */
  ports: z.array(z.number().int().min(1).max(65535)).default([]),
  /**
   * The live panel beside the lesson, followed on the engine's events: `containers`, the lab's
   * servers, load balancers and Consul on this engine; `machines`, the lab machines (the hosts, whose
   * services run inside them); `none`.
   */
  panel: z.enum(['none', 'containers', 'machines']).default('none'),
  /** Concept stages: frames to step through (one Mesos offer cycle, say). */
  walkthrough: z.array(walkthroughFrameSchema).min(1, 'a walkthrough needs at least one frame').optional(),
  /** Concept stages: questions whose answers a `quiz` check proves (`lab quiz STAGE`). */
  quiz: quizSchema.optional(),
  checks: z.array(checkSchema).min(1, 'a stage needs at least one check'),
  /**
   * The stage's challenge: its goal and hints are challenge.md beside the lesson, with no commands;
   * these checks judge it (`lab check STAGE --challenge`); challenge.solution.sh is the reference
   * solution `lab test` proves them with, never shown.
   */
  challenge: z.object({ checks: z.array(checkSchema).min(1, 'a challenge needs at least one check') }).strict().optional(),
})
  .superRefine((stage, ctx) => {
    for (const [index, check] of stage.checks.entries()) {
      if (check.kind === 'quiz' && !stage.quiz) ctx.addIssue({ code: 'custom', path: ['checks', index, 'kind'], message: 'a quiz check needs the stage to have a `quiz`' });
    }
  })
  // A quiz check proves this stage's quiz: it carries the stage's id and questions, so its judge needs nothing else.
  .transform((stage) => ({
    ...stage,
    checks: stage.checks.map((check) => (check.kind === 'quiz' ? { ...check, stage: stage.id, questions: stage.quiz ?? [] } : check)),
  }));

export type { CheckKind, CheckSpec } from '../checks/registry.js';
export type StageFile = z.infer<typeof stageSchema>;
export type WalkthroughFrame = z.infer<typeof walkthroughFrameSchema>;
/** Which live panel a stage shows. */
export type StagePanel = 'none' | 'containers' | 'machines';
export type QuizQuestion = z.infer<typeof quizQuestionSchema>;
