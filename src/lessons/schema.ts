import { z } from 'zod';
import { LAB_IMAGES, labImage } from '../runtime/image-catalog.js';

/** Stage ids are stable slugs: progress is stored by id, never by position. */
export const stageIdSchema = z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase slug like "single-host"');

const commandList = z.array(z.string().min(1, 'must not be empty')).default([]);

/** lessons/track.yaml: command blocks several stages share, by name (`- use: NAME` in a stage). */
export const trackSchema = z.object({
  blocks: z.record(z.string().regex(/^[a-z0-9-]+$/, 'block names are lowercase words joined by hyphens'), z.array(z.string().min(1, 'must not be empty')).min(1, 'a block needs at least one command')),
});

const checkBase = {
  /** A short sentence shown beside the result: what this check proves. */
  title: z.string().min(1),
  /** Extra advice shown after the judge's own hint when the check fails. */
  hint: z.string().optional(),
  /** Hints that escalate: the first failure shows the first, each failure in a row the next (the last repeats). */
  hints: z.array(z.string().min(1)).min(1).optional(),
  /** Milliseconds one try may take before it counts as failed (default 30 000). */
  timeout: z.number().int().min(100).max(600_000).optional(),
  /** More tries after a failure, for things that converge (a leader elected, a backend joining); default 0. */
  retries: z.number().int().min(0).max(50).optional(),
  /** Milliseconds between tries (default 1 000). */
  delay: z.number().int().min(0).max(60_000).optional(),
};

/** Choices are answered by letter (a, b, c…): at most six, so one screen shows them all. */
export const QUIZ_MAX_CHOICES = 6;

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

export const checkSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('registry-image'),
    ...checkBase,
    /** Repository name in the registry, e.g. `simple-server`. */
    repository: z.string().min(1),
    tag: z.string().default('latest'),
    /** host:port of the registry as the learner pushes to it. */
    registry: z.string().default('localhost:5000'),
  }),
  z.object({
    kind: z.literal('container-running'),
    ...checkBase,
    container: z.string().min(1),
    /** The image the container must run, as given to `docker run`. */
    image: z.string().optional(),
  }),
  z.object({
    kind: z.literal('container-log'),
    ...checkBase,
    container: z.string().min(1),
    /** A regular expression one log line must match. */
    pattern: z.string().min(1),
  }),
  z.object({
    kind: z.literal('http'),
    ...checkBase,
    container: z.string().min(1),
    /** The container port; the check reaches it through its 127.0.0.1 binding. */
    port: z.number().int().min(1).max(65535),
    path: z.string().startsWith('/'),
    status: z.number().int().default(200),
    /** Text the body must contain. */
    contains: z.string().optional(),
  }),
  z.object({
    kind: z.literal('servers'),
    ...checkBase,
    prefix: z.string().default('server'),
    /** Exactly this many `<prefix>_1..N` servers of one deploy. */
    count: z.number().int().min(1).max(200),
  }),
  z.object({
    kind: z.literal('lb-spread'),
    ...checkBase,
    /** The load balancers `simple_haproxy_1..count`. */
    count: z.number().int().min(1).max(9),
    /** K = perServer × running servers requests through each LB. */
    perServer: z.number().int().min(1).max(20).default(3),
  }),
  z.object({
    kind: z.literal('lb-roundrobin'),
    ...checkBase,
    count: z.number().int().min(1).max(9),
    perServer: z.number().int().min(1).max(20).default(3),
  }),
  z.object({
    kind: z.literal('consul-quorum'),
    ...checkBase,
    /** The Consul servers `simple_consul_1..servers`. */
    servers: z.number().int().min(1).max(9).default(5),
  }),
  z.object({
    kind: z.literal('consul-catalog'),
    ...checkBase,
    servers: z.number().int().min(1).max(9).default(5),
  }),
  z.object({
    kind: z.literal('lb-backends'),
    ...checkBase,
    /** The load balancers `simple_haproxy_1..count`. */
    count: z.number().int().min(1).max(9),
    servers: z.number().int().min(1).max(9).default(5),
  }),
  z.object({
    kind: z.literal('consul-drill'),
    ...checkBase,
    /** What the drill removes at once: servers (their agents go with them) and Consul servers. */
    remove: z.array(z.string().min(1)).min(1).default(['server_1', 'server_4', 'simple_consul_3']),
    /** The load balancer the load goes through. */
    lb: z.string().default('simple_haproxy_1'),
    servers: z.number().int().min(1).max(9).default(5),
    /** Requests per second during the drill. */
    rate: z.number().int().min(1).max(500).default(50),
    /** Milliseconds to converge after the removals (and to rejoin after). */
    deadline: z.number().int().min(1_000).max(120_000).default(15_000),
  }),
  z.object({
    kind: z.literal('machine-roles'),
    ...checkBase,
    /** Each lab machine and the one kind of service (the containers' dev.dockerlab.role) it runs. */
    machines: z.array(z.object({ name: z.string().min(1), role: z.string().min(1) })).min(1),
    /** Roles any machine may run besides its own: the node's Consul agent is infrastructure. */
    allow: z.array(z.string().min(1)).default(['consul-agent']),
  }),
  z.object({
    kind: z.literal('cross-host-lb'),
    ...checkBase,
    /** The LB machine, its port 80 published on 127.0.0.1:port. */
    lb: z.string().default('lb'),
    port: z.number().int().min(1).max(65535),
    /** The machine whose running servers must all answer through the LB. */
    web: z.string().default('web'),
    perServer: z.number().int().min(1).max(20).default(3),
  }),
  z.object({
    kind: z.literal('cross-host-consul'),
    ...checkBase,
    /** The Consul machine, its HTTP API (8500) published on 127.0.0.1:port. */
    consul: z.string().default('consul'),
    port: z.number().int().min(1).max(65535),
    web: z.string().default('web'),
  }),
  z.object({
    kind: z.literal('swarm-nodes'),
    ...checkBase,
    /** The lab machine whose engine is the Swarm manager the check asks. */
    manager: z.string().default('manager'),
    nodes: z.number().int().min(1).max(20).default(3),
    managers: z.number().int().min(1).max(7).default(1),
  }),
  z.object({
    kind: z.literal('swarm-service'),
    ...checkBase,
    manager: z.string().default('manager'),
    service: z.string().default('simple-service'),
    /** At least this many replicas wanted, and as many running. */
    replicas: z.number().int().min(1).max(100).default(6),
    /** Running tasks spread over at least this many nodes. */
    spread: z.number().int().min(1).max(20).default(2),
  }),
  z.object({
    kind: z.literal('swarm-requests'),
    ...checkBase,
    /** The manager machine's load balancer, published on 127.0.0.1:port. */
    port: z.number().int().min(1).max(65535),
    requests: z.number().int().min(1).max(200).default(18),
    /** Distinct replicas that must answer. */
    distinct: z.number().int().min(1).max(100).default(3),
  }),
  z.object({
    kind: z.literal('swarm-reschedule'),
    ...checkBase,
    manager: z.string().default('manager'),
    service: z.string().default('simple-service'),
    /** Milliseconds from losing a worker machine to the replicas running again on the others. */
    deadline: z.number().int().min(1_000).max(300_000).default(30_000),
  }),
  z.object({
    kind: z.literal('quiz'),
    ...checkBase,
    /** The stage whose quiz this checks, and its questions: filled from the stage itself; a lesson leaves them out. */
    stage: z.string().default(''),
    questions: z.array(quizQuestionSchema).default([]),
  }),
]);

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

export type CheckSpec = z.infer<typeof checkSchema>;
export type CheckKind = CheckSpec['kind'];
export type StageFile = z.infer<typeof stageSchema>;
export type WalkthroughFrame = z.infer<typeof walkthroughFrameSchema>;
/** Which live panel a stage shows. */
export type StagePanel = 'none' | 'containers' | 'machines';
export type QuizQuestion = z.infer<typeof quizQuestionSchema>;
