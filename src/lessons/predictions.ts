/**
 * Predict, then observe. A lesson asks the learner to predict what a step will do before they run it,
 * and reveals what happened once they have:
 *
 *     ```predict after=drill
 *     Three containers go at once. How many requests fail?
 *     ---
 *     None: HAProxy's retries resend the one in flight.
 *     ```
 *
 * The block names the step by `after=`; until that step has run, the learner sees only the question.
 * Pure: parsing and showing; which steps have run is the caller's to say.
 */
export interface Prediction {
  /** The step after which the answer shows. */
  after: string;
  question: string;
  answer: string;
}

const BLOCK = /^```predict([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;

interface Found extends Prediction {
  /** Where the block starts in the lesson. */
  at: number;
  /** What is wrong with the block, for the loader to report. */
  problem?: string;
}

function parseBlock(info: string, body: string): Omit<Found, 'at'> {
  const after = /\bafter=(\S+)/.exec(info)?.[1] ?? '';
  const [question = '', ...rest] = body.split(/^---[ \t]*$/m);
  const answer = rest.join('---').trim();
  const problem = !after ? 'a predict block needs `after=STEP`' : !question.trim() || !answer ? 'a predict block needs a question, a line `---`, then the answer' : undefined;
  return { after, question: question.trim(), answer, ...(problem ? { problem } : {}) };
}

/** Every predict block of a lesson, with what is wrong with any of them. */
export function parsePredictions(markdown: string): Found[] {
  return [...markdown.matchAll(BLOCK)].map((match) => ({ ...parseBlock(match[1] ?? '', match[2] ?? ''), at: match.index ?? 0 }));
}

/** The lesson as the learner reads it: each block's question, and its answer once its step has run. */
export function showPredictions(markdown: string, ran: ReadonlySet<string>): string {
  return markdown.replace(BLOCK, (whole, info: string, body: string) => {
    const found = parseBlock(info, body);
    if (found.problem) return whole;
    const question = quote(`**Predict, before you run \`${found.after}\`:** ${found.question}`);
    const answer = ran.has(found.after) ? quote(`**What happened:** ${found.answer}`) : quote(`*The answer shows here once \`${found.after}\` has run.*`);
    return `${question}\n>\n${answer}`;
  });
}

const quote = (text: string): string =>
  text
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
