import { seconds } from '../format.js';
import type { ActivityFeed } from '../actors/activity.js';
import { formatCheck, type Output } from './output.js';

/** Shows commands as the learner would type them, their output as it comes, and each check as it ends. */
export function printActivity(feed: ActivityFeed, out: Output): () => void {
  return feed.subscribe((event) => {
    switch (event.type) {
      case 'command.started':
        out.line(out.bold(`$ ${event.command}`));
        break;
      case 'command.output':
        process.stdout.write(event.text);
        break;
      case 'command.exited':
        if (event.cancelled) out.line(out.yellow(`stopped after ${seconds(event.durationMs)}`));
        else if (event.exitCode !== 0) out.line(out.red(`exit ${event.exitCode} after ${seconds(event.durationMs)}`));
        break;
      case 'check.finished':
        out.line(formatCheck(out, event.result));
        break;
    }
  });
}

