import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyDeploy, type DeployProgress } from '../../deploy/apply.js';
import { aliveServers, type QuorumFacts } from '../../checks/consul-judges.js';
import { waitForQuorum } from '../../deploy/consul-wait.js';
import { parseDeployOptions, type RawDeployOptions } from '../../deploy/options.js';
import { planAsCommands, planDeploy, type DeployPlan } from '../../deploy/plan.js';
import type { ExitCode } from '../../errors.js';
import { stateDir } from '../../progress/store.js';
import type { ContainerFacts } from '../../runtime/docker.js';
import { ensurePortsAvailable } from '../../runtime/ports.js';
import { dockerRepository } from '../../runtime/repository.js';
import type { CommandContext } from '../context.js';
import type { Output } from '../output.js';
import { seconds } from '../../format.js';

/** The flags as commander gives them; the server count is the positional argument. */
export type DeployFlags = Omit<RawDeployOptions, 'servers'>;

/** `lab deploy [-c] [-l N] [--prefix P] N [--dry-run]`: the article's deploy.sh, through the Docker API. */
export async function deployCommand(ctx: CommandContext, servers: string | undefined, flags: DeployFlags): Promise<ExitCode> {
  const options = { ...parseDeployOptions({ servers, ...flags }), repository: dockerRepository() };
  const docker = ctx.docker();
  await docker.ping();
  // Plan once against the lab's containers, then look up by name every container the plan would
  // create, so a stranger holding one of those names is found and refused.
  const labs = await docker.listContainers();
  const draft = planDeploy(options, labs, 'draft');
  const names = [...draft.consulServers, ...draft.servers, ...draft.agents, ...draft.lbs.map((lb) => lb.spec), ...draft.lbAgents].map((spec) => spec.name);
  const named = await Promise.all(names.map((name) => docker.inspectContainer(name)));
  const existing = uniqueById([...labs, ...named.filter((c): c is ContainerFacts => c !== undefined)]);
  const plan = planDeploy(options, existing, Date.now().toString(36));
  const configDir = writeConfigs(plan);

  if (options.dryRun) {
    for (const line of planAsCommands(plan, configDir)) ctx.out.line(line);
    return 0;
  }
  await ensurePortsAvailable([...plan.consulServers, ...plan.lbs.map((lb) => lb.spec)].flatMap((spec) => spec.ports?.map((p) => p.hostPort) ?? []), docker);
  const timings = await applyDeploy(plan, docker, progressPrinter(ctx.out));
  if (plan.consulServers.length > 0) {
    const settledMs = await waitForQuorum(docker, ctx.http(), plan.consulServers.length, quorumPrinter(ctx.out, plan.consulServers.length)).finally(() => {
      if (ctx.out.interactive) process.stdout.write('\n');
    });
    ctx.out.line(`Consul: a leader is elected and all ${plan.consulServers.length} servers are members (${seconds(settledMs)}); UI on http://127.0.0.1:8501/ui`);
  }
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

function quorumPrinter(out: Output, count: number) {
  let last = '';
  return (view: QuorumFacts, elapsedMs: number) => {
    const answered = view.members.length > 0;
    const line = `waiting for Consul: ${answered ? `${aliveServers(view).length}/${count} servers joined, ${view.leader ? 'leader elected' : 'no leader yet'}` : 'no server answers yet'}`;
    if (out.interactive) process.stdout.write(`\r${line} (${seconds(elapsedMs)})   `);
    else if (line !== last) out.line(line);
    last = line;
  };
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
