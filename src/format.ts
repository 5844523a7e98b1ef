/** Small wording helpers shared by the CLI, the providers and the checks' messages. */

/** `2.4 s`: a duration in milliseconds, to a tenth of a second. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `1 node`, `3 nodes`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `14:03:27`: a moment as the learner's own clock shows it (local time). */
export const clockTime = (ms: number): string => new Date(ms).toTimeString().slice(0, 8);
