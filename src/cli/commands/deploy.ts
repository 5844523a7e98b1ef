import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyDeploy, type DeployProgress } from '../../deploy/apply.js';
import { parseDeployOptions } from '../../deploy/options.js';
import { planAsCommands, planDeploy, type DeployPlan } from '../../deploy/plan.js';
import type { ExitCode } from '../../errors.js';
import { stateDir } from '../../progress/store.js';
import type { ContainerFacts } from '../../runtime/docker.js';
import { ensurePortsAvailable } from '../../runtime/ports.js';
import type { CommandContext } from '../context.js';
import type { Output } from '../output.js';
import { seconds } from '../print-activity.js';

export interface DeployFlags {
  lb?: string;
  prefix?: string;
  consul?: boolean;
  dryRun?: boolean;
}

/** `lab deploy [-c] [-l N] [--prefix P] N [--dry-run]`: the article's deploy.sh, through the Docker API. */
export async function deployCommand(ctx: CommandContext, servers: string | undefined, flags: DeployFlags): Promise<ExitCode> {
  const options = parseDeployOptions({ servers, ...flags });
  const docker = ctx.docker();
  await docker.ping();
  const wanted = [...Array.from({ length: options.servers }, (_, i) => `${options.prefix}_${i + 1}`), ...Array.from({ length: options.lbs }, (_, i) => `simple_haproxy_${i + 1}`)];
  const named = await Promise.all(wanted.map((name) => docker.inspectContainer(name)));
  const existing = uniqueById([...(await docker.listContainers()), ...named.filter((c): c is ContainerFacts => c !== undefined)]);
  const plan = planDeploy(options, existing, Date.now().toString(36));
  const configDir = writeConfigs(plan);

  if (options.dryRun) {
    for (const line of planAsCommands(plan, configDir)) ctx.out.line(line);
    return 0;
  }
  await ensurePortsAvailable(plan.lbs.flatMap(({ spec }) => spec.ports?.map((p) => p.hostPort) ?? []), docker);
  const timings = await applyDeploy(plan, docker, progressPrinter(ctx.out));
  const lbs = plan.lbs.map(({ spec }) => `127.0.0.1:${spec.ports![0]!.hostPort}`);
  ctx.out.line(
    ctx.out.green(
      `Deployed ${plan.servers.length} server${plan.servers.length === 1 ? '' : 's'} (${plan.servers[0]!.name}…${plan.servers.at(-1)!.name})` +
        (lbs.length > 0 ? ` and ${lbs.length} load balancer${lbs.length === 1 ? '' : 's'} on ${lbs.join(', ')}` : '') +
        ` in ${seconds(timings.totalMs)}.`,
    ),
  );
  ctx.out.line(ctx.out.dim(`removed ${plan.remove.length} in ${seconds(timings.removeMs)}, created in ${seconds(timings.createMs)}, started in ${seconds(timings.startMs)}`));
  if (plan.lbs.length > 0) ctx.out.line(`HAProxy configuration: ${configDir}/simple_haproxy_1.cfg`);
  return 0;
}

/** The generated HAProxy configuration, kept where the learner can read it (and `docker cp` it in a dry run). */
function writeConfigs(plan: DeployPlan): string {
  const dir = join(stateDir(), 'haproxy');
  if (plan.lbs.length === 0) return dir;
  mkdirSync(dir, { recursive: true });
  for (const { spec, config } of plan.lbs) writeFileSync(join(dir, `${spec.name}.cfg`), config);
  return dir;
}

function uniqueById(containers: ContainerFacts[]): ContainerFacts[] {
  return [...new Map(containers.map((c) => [c.id, c])).values()];
}

const PHASE_WORDS = { remove: 'removing old', create: 'creating', start: 'starting' } as const;

/** A bar redrawn in place on a terminal; a line per phase otherwise. */
function progressPrinter(out: Output): (progress: DeployProgress) => void {
  return ({ phase, done, total }) => {
    if (total === 0) return;
    if (out.interactive) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stdout.write(`\r${PHASE_WORDS[phase].padEnd(13)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`);
      if (done === total) process.stdout.write('\n');
    } else if (done === total) {
      out.line(`${PHASE_WORDS[phase]}: ${done}/${total}`);
    }
  };
}
