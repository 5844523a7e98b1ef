import { Command, CommanderError, Option } from 'commander';
import { UsageError, type ExitCode } from '../errors.js';
import { labVersion } from './version.js';
import type { ServeFlags } from './commands/class.js';
import type { DeployFlags } from './commands/deploy.js';
import type { MachineCreateFlags, MachineEnvFlags, MachineProviderFlags } from './commands/machine.js';
import type { QuizFlags } from './commands/quiz.js';
import type { TestFlags } from './commands/test.js';
import type { CommandContext } from './context.js';
import { handleError } from './handle-error.js';
import { createOutput } from './output.js';

// Every command's module, and the context (Docker, lessons, the shell), is loaded when that command
// runs: `lab --version` and `lab --help` load none of them, `lab check` never loads the interface.
const commands = {
  challenge: () => import('./commands/challenge.js'),
  check: () => import('./commands/check.js'),
  class: () => import('./commands/class.js'),
  deploy: () => import('./commands/deploy.js'),
  doctor: () => import('./commands/doctor.js'),
  images: () => import('./commands/images.js'),
  machine: () => import('./commands/machine.js'),
  quiz: () => import('./commands/quiz.js'),
  report: () => import('./commands/report.js'),
  reset: () => import('./commands/reset.js'),
  solve: () => import('./commands/solve.js'),
  stages: () => import('./commands/stages.js'),
  test: () => import('./commands/test.js'),
  tui: () => import('./commands/tui.js'),
  watch: () => import('./commands/watch.js'),
};

const PROVIDER_HELP = 'who makes the machines: lab (default; docker-in-docker containers here) or docker-machine (the real CLI, where installed); also $LAB_MACHINE_PROVIDER';


/** Builds the command tree; each action returns an exit code or throws, and `main` owns the exit. */
export function buildProgram(context: (options?: { engine?: boolean }) => Promise<CommandContext>, exit: (code: ExitCode) => void): Command {
  const program = new Command('lab')
    .description('A terminal lab: scale a service with Docker for real, stage by stage, and prove each stage works.')
    .version(labVersion(), '-v, --version')
    .addOption(new Option('--lessons <dir>', 'use the lessons in DIR instead of the built-in track').env('LAB_LESSONS_DIR'))
    .option('--presenter', 'show presenter notes and the large topology view')
    .exitOverride()
    .showHelpAfterError('(run `lab --help` for the list of commands)')
    .argument('[command]')
    .action(async (command: string | undefined, options: { presenter?: boolean }) => {
      if (command) throw new UsageError(`unknown command '${command}'.`, 'Run `lab --help` for the list of commands.');
      // The interface draws its first frame, then loads the engine's modules.
      exit(await (await commands.tui()).tuiCommand(await context({ engine: false }), options));
    });

  const run = (work: (ctx: CommandContext) => ExitCode | Promise<ExitCode>) => async () => exit(await work(await context()));

  program.command('list').description('list the stages of the track').action(run(async (ctx) => (await commands.stages()).listCommand(ctx)));
  program
    .command('status')
    .description('show progress through the track')
    .option('--json', 'machine-readable output')
    .action((options: { json?: boolean }) => run(async (ctx) => (await commands.stages()).statusCommand(ctx, options))());
  program
    .command('check [stage]')
    .description('check a stage (default: the current one); exit 0 pass, 1 fail')
    .option('--json', 'machine-readable output')
    .option('--all', 're-check every passed stage and say which regressed')
    .option('--challenge', "judge the stage's challenge (`lab challenge STAGE` says what it is) instead of the stage")
    .action((stage: string | undefined, options: { json?: boolean; all?: boolean; challenge?: boolean }) => run(async (ctx) => (await commands.check()).checkCommand(ctx, stage, options))());
  program
    .command('challenge <stage>')
    .description("a stage's challenge: the goal and hints, no commands (judged by `lab check STAGE --challenge`)")
    .action((stage: string) => run(async (ctx) => (await commands.challenge()).challengeCommand(ctx, stage))());
  program
    .command('watch [stage]')
    .description("live checks: re-check a stage on the engine's events while you work in your own terminal; exit 0 when it passes")
    .action((stage: string | undefined) => run(async (ctx) => (await commands.watch()).watchCommand(ctx, stage))());
  program
    .command('solve [stage]')
    .description("run a stage's setup and solution, then check it")
    .action((stage: string | undefined) => run(async (ctx) => (await commands.solve()).solveCommand(ctx, stage))());
  program
    .command('goto <stage>')
    .description('solve every stage before STAGE, then open the lab at it')
    .action((stage: string) => run(async (ctx) => (await commands.tui()).gotoCommand(ctx, stage))());
  program
    .command('reset [stage]')
    .description("undo a stage's containers and progress, or everything the lab made with --all")
    .option('--all', 'remove every container, network and volume the lab made (by label) and clear progress')
    .action((stage: string | undefined, options: { all?: boolean }) => run(async (ctx) => (await commands.reset()).resetCommand(ctx, stage, options))());
  program
    .command('deploy [num_servers]')
    .description("deploy num_servers servers, replacing the lab's earlier ones (with a Consul cluster running, each registers with it, and the running load balancers follow)")
    .option('-c, --consul', '(re)deploy the Consul servers too, and register the servers with them (service-discovery stage)')
    .option('-l, --lb <num_lbs>', '(re)deploy this many HAProxy load balancers too, on 127.0.0.1:8181, 8282, …')
    .option('--prefix <prefix>', 'name the servers PREFIX_1..N', 'server')
    .option('--consul-servers <n>', 'with -c: how many Consul servers (default 5)')
    .option('--lb-mode <mode>', 'with Consul: how load balancers follow it: watch (default: consul watch rewrites a server line per container and reloads HAProxy) or dns (numbered slots filled from Consul DNS)')
    .option('--dry-run', 'print the equivalent docker commands and change nothing')
    .action((servers: string | undefined, flags: DeployFlags) => run(async (ctx) => (await commands.deploy()).deployCommand(ctx, servers, flags))());
  program
    .command('test')
    .description("track test: each stage must fail its checks before its solution and pass after, and so must each challenge before and after its reference solution (clean engine)")
    .option('--from <stage>', 'first stage to test')
    .option('--to <stage>', 'last stage to test')
    .option('--json', 'machine-readable output')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--verbose', 'show every command and its output')
    .option('--skip-drills <stage>', "judge this stage without its drills, which act on the lab (repeatable)", (value: string, list: string[] = []) => [...list, value])
    .option('--skip-challenges', "leave out the challenges (each is otherwise proved on its passed stage: fails before its reference solution, passes after)")
    .action((flags: TestFlags) => run(async (ctx) => (await commands.test()).testCommand(ctx, flags))());
  program
    .command('quiz <stage>')
    .description("show a stage's quiz and your answers, or answer it: --answer ID=LETTER (repeatable); exit 0 all right, 1 one wrong")
    .option('--answer <id=letter>', 'record an answer, e.g. --answer offer-who=b (repeatable)', (value: string, list: string[] = []) => [...list, value])
    .option('--reset', "forget the stage's answers (before any --answer)")
    .action((stage: string, flags: QuizFlags) => run(async (ctx) => (await commands.quiz()).quizCommand(ctx, stage, flags))());
  program.command('doctor').description('check the engine, images and ports the track needs').action(run(async (ctx) => (await commands.doctor()).doctorCommand(ctx)));
  program
    .command('report [stage]')
    .description("write one file (markdown + JSON) with a stage's check facts, the lab's containers and logs, versions and progress")
    .option('--out <file>', 'write it here (default ./dockerlab-report-STAGE-TIME.md)')
    .action((stage: string | undefined, options: { out?: string }) => run(async (ctx) => (await commands.report()).reportCommand(ctx, stage, options))());
  const images = program.command('images').description('build, save and load the images the track needs');
  images
    .command('build')
    .description('build every lab image (cached)')
    .option('--offline', 'make the Debian base locally with debootstrap instead of pulling it')
    .option('--missing', 'build only the images the engine does not have yet')
    .action((options: { offline?: boolean; missing?: boolean }) => run(async (ctx) => (await commands.images()).imagesBuildCommand(ctx, options))());
  images.command('save <file>').description('write every image the track needs into one tarball, with a manifest and checksums').action((file: string) => run(async (ctx) => (await commands.images()).imagesSaveCommand(ctx, file))());
  images.command('load <file>').description('verify a bundle from `lab images save`, then load it into the engine').action((file: string) => run(async (ctx) => (await commands.images()).imagesLoadCommand(ctx, file))());
  const machine = program
    .command('machine')
    .description("extra Docker hosts, addressed like docker-machine's: the lab's own (docker-in-docker on this computer) or, with --provider docker-machine, docker-machine's")
    .option('--provider <name>', PROVIDER_HELP)
    .enablePositionalOptions();
  // --provider works before the subcommand and after it; after wins.
  const withProvider = <T extends MachineProviderFlags>(flags: T): T => ({ ...flags, provider: flags.provider ?? machine.opts<MachineProviderFlags>().provider });
  machine
    .command('create <name>')
    .description('create a machine (or NAME-1..N with --count) and wait until its engine answers')
    .option('--count <n>', 'create N machines named NAME-1..NAME-N')
    .option('-p, --publish <port>', "publish a port of the machine on this computer's 127.0.0.1 (HOSTPORT:PORT; repeatable)", (value: string, list: string[] = []) => [...list, value])
    .option('-d, --driver <driver>', 'with --provider docker-machine: the docker-machine driver (default: virtualbox, or $MACHINE_DRIVER)')
    .option('--provider <name>', PROVIDER_HELP)
    .action((name: string, flags: MachineCreateFlags) => run(async (ctx) => (await commands.machine()).machineCreateCommand(ctx, name, withProvider(flags)))());
  machine
    .command('ip <name>')
    .description("print the machine's IP address (a lab machine's on the lab network), as `docker-machine ip` does")
    .option('--provider <name>', PROVIDER_HELP)
    .action((name: string, flags: MachineProviderFlags) => run(async (ctx) => (await commands.machine()).machineIpCommand(ctx, name, withProvider(flags)))());
  machine
    .command('ls')
    .description('list the machines: state, DOCKER_HOST URL, engine version; then the provider in use')
    .option('--provider <name>', PROVIDER_HELP)
    .action((flags: MachineProviderFlags) => run(async (ctx) => (await commands.machine()).machineLsCommand(ctx, withProvider(flags)))());
  machine
    .command('env [name]')
    .description('print the commands that point docker at a machine, as `docker-machine env` does: eval $(lab machine env NAME)')
    .option('--shell <shell>', 'bash (default), fish or powershell')
    .option('-u, --unset', 'print the commands that undo it')
    .option('--provider <name>', PROVIDER_HELP)
    .action((name: string | undefined, flags: MachineEnvFlags) => run(async (ctx) => (await commands.machine()).machineEnvCommand(ctx, name, withProvider(flags)))());
  machine
    .command('ssh <name> [command...]')
    .description('a shell (or COMMAND) on the machine: docker exec for a lab machine (a container here), docker-machine ssh for docker-machine\'s')
    .option('--provider <name>', PROVIDER_HELP)
    .passThroughOptions()
    .allowUnknownOption()
    .action((name: string, command: string[], flags: MachineProviderFlags) => run(async (ctx) => (await commands.machine()).machineSshCommand(ctx, name, command, withProvider(flags)))());
  machine
    .command('rm [names...]')
    .description("remove machines, each with its volume (by label), or every machine with --all")
    .option('--all', 'remove every lab machine (with docker-machine: every one the lab created)')
    .option('--provider <name>', PROVIDER_HELP)
    .action((names: string[], flags: { all?: boolean } & MachineProviderFlags) => run(async (ctx) => (await commands.machine()).machineRmCommand(ctx, names, withProvider(flags)))());
  machine
    .command('provider')
    .description('say which provider `lab machine` uses and why, and whether docker-machine is installed')
    .option('--provider <name>', PROVIDER_HELP)
    .action((flags: MachineProviderFlags) => run(async (ctx) => (await commands.machine()).machineProviderCommand(ctx, withProvider(flags)))());
  const classroom = program.command('class').description("the classroom board: the instructor serves it on the LAN; each learner's check runs appear on it live");
  classroom
    .command('serve')
    .description('run the class server and its board (until Ctrl-C); prints the line learners type and the instructor token')
    .option('--port <port>', 'listen on this port', '8900')
    .option('--host <host>', 'listen on this address: 127.0.0.1 (default, this machine only) or 0.0.0.0 for the LAN')
    .option('--data <dir>', "keep the class (SQLite) and the instructor token here (default: the lab's state dir/class-server)")
    .option('--demo <n>', 'fill the board with N simulated learners, to try it before class')
    .action((flags: ServeFlags) => run(async (ctx) => (await commands.class()).classServeCommand(ctx, flags))());
  classroom
    .command('join <url> <code>')
    .description("join a class: from now on each check run sends the board its stage, checks and hints, nothing else")
    .option('--name <name>', 'the name the board shows (default: your user name)')
    .action((url: string, code: string, flags: { name?: string }) => run(async (ctx) => (await commands.class()).classJoinCommand(ctx, url, code, flags))());
  classroom.command('leave').description('leave the class: stop sending check runs').action(run(async (ctx) => (await commands.class()).classLeaveCommand(ctx)));
  classroom
    .command('hand [message]')
    .description('raise your hand on the board, with an optional message (--down lowers it)')
    .option('--down', 'lower your hand')
    .action((message: string | undefined, flags: { down?: boolean }) => run(async (ctx) => (await commands.class()).classHandCommand(ctx, message, flags))());
  classroom
    .command('status')
    .description("the board in the terminal (on the instructor's machine), or this lab's class and queue (on a learner's)")
    .option('--json', 'machine-readable output')
    .option('--data <dir>', "the class server's data dir (default: the lab's state dir/class-server)")
    .action((flags: { json?: boolean; data?: string }) => run(async (ctx) => (await commands.class()).classStatusCommand(ctx, flags))());
  return program;
}

/** Parses argv and runs the command; owns the exit code. */
export async function runProgram(argv: string[]): Promise<void> {
  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort();
  });
  let context: CommandContext | undefined;
  const getContext = async (options?: { engine?: boolean }) => {
    context ??= (await import('./context.js')).createContext(program.opts(), controller.signal);
    await context.prepare(options);
    return context;
  };
  let code: ExitCode = 0;
  const program = buildProgram(getContext, (exitCode) => {
    code = exitCode;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    code = error instanceof CommanderError ? (error.exitCode === 0 ? 0 : 2) : handleError(error, context?.out ?? createOutput());
  }
  process.exitCode = interrupted && code === 0 ? 130 : code;
}

