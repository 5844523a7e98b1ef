import type { CheckMark, ClassEvent } from './event.js';
import type { ClassStore } from './store.js';

export interface DemoStage {
  id: string;
  checks: string[];
}

const NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia', 'Edsger', 'Hedy', 'Guido', 'Sophie', 'Tim', 'Katherine'];

/**
 * Simulated learners for `lab class serve --demo N`: each checks its current stage every few seconds,
 * fails a check now and then (and sees its hint), and moves on when it passes; one raises a hand.
 * They write to the store as the server would, named "demo …" so nobody takes them for a class.
 */
export function startDemo(store: ClassStore, stages: DemoStage[], count: number, changed: (keys: string[]) => void, { everyMs = 1_500, random = Math.random } = {}): () => void {
  const learners = Array.from({ length: count }, (_, index) => ({
    id: store.addLearner(`demo ${NAMES[index % NAMES.length]}${index >= NAMES.length ? ` ${Math.floor(index / NAMES.length) + 1}` : ''}`, { demo: true }).learner,
    stage: 0,
    seq: 0,
    // Some go faster than others, as in a real room.
    pace: 0.35 + random() * 0.5,
  }));
  if (learners[0] && stages.length > 0) store.setHand(learners[0].id, true, 'demo: my load balancer shows only one server');
  const tick = () => {
    const keys: string[] = [];
    for (const learner of learners) {
      if (learner.stage >= stages.length || random() > 0.5) continue;
      const stage = stages[learner.stage]!;
      const passed = random() < learner.pace;
      const failing = passed ? -1 : Math.floor(random() * Math.max(1, stage.checks.length));
      const checks: CheckMark[] = (stage.checks.length > 0 ? stage.checks : ['the stage works']).map((title, index) => ({
        status: index === failing ? 'fail' : 'pass',
        title,
        hinted: index === failing,
      }));
      learner.seq += 1;
      const event: ClassEvent = { learner: learner.id, seq: learner.seq, stage: stage.id, challenge: false, passed, checks, at: new Date().toISOString() };
      store.addEvents([event]);
      keys.push(`${learner.id}:${learner.seq}`);
      if (passed) learner.stage += 1;
    }
    if (keys.length > 0) changed(keys);
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return () => clearInterval(timer);
}
