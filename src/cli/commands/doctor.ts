import { execFileSync } from 'node:child_process';
import type { ExitCode } from '../../errors.js';
import { isLabError } from '../../errors.js';
import { LAB_IMAGES } from '../../runtime/images.js';
import { isPortFree } from '../../runtime/ports.js';
import type { CommandContext } from '../context.js';

interface Finding {
  ok: boolean;
  /** A missing item that stops the lab from working (as opposed to a warning). */
  critical: boolean;
  what: string;
  detail: string;
  fix?: string;
}

/** `lab doctor`: each thing the track needs, ok or missing, with the fix. Exit 3 if the lab cannot work. */
export async function doctorCommand(ctx: CommandContext): Promise<ExitCode> {
  const findings: Finding[] = [];
  const add = (finding: Finding) => {
    findings.push(finding);
    const mark = finding.ok ? ctx.out.green('ok  ') : finding.critical ? ctx.out.red('FAIL') : ctx.out.yellow('warn');
    ctx.out.line(`${mark} ${finding.what}: ${finding.detail}`);
    if (!finding.ok && finding.fix) ctx.out.line(`     ${ctx.out.dim('fix:')} ${finding.fix}`);
  };

  add(hasCommand('docker', ['--version'])
    ? { ok: true, critical: true, what: 'docker CLI', detail: firstLine(run('docker', ['--version'])) }
    : { ok: false, critical: true, what: 'docker CLI', detail: 'not on PATH; the lessons type `docker` commands', fix: 'apt-get install docker.io (or install Docker Engine)' });

  const docker = ctx.docker();
  const engine = await docker.version().then(
    (version) => ({ version }),
    (error: unknown) => ({ error }),
  );
  if ('error' in engine) {
    add({ ok: false, critical: true, what: 'Docker engine', detail: isLabError(engine.error) ? engine.error.message : String(engine.error), fix: `start dockerd (or set DOCKER_HOST; the lab looked at ${docker.endpoint.host}, from ${docker.endpoint.source}), then run \`lab doctor\` again` });
  } else {
    const { version } = engine;
    add({ ok: true, critical: true, what: 'Docker engine', detail: `${version.version} (API ${version.apiVersion}, ${version.os}, ${version.storageDriver ?? 'unknown'} storage) at ${docker.endpoint.host}` });
    for (const image of ['debian:bookworm-slim', ...LAB_IMAGES.map((i) => i.reference)]) {
      const found = await docker.inspectImage(image);
      add(found
        ? { ok: true, critical: true, what: `image ${image}`, detail: `present (${found.id.slice(7, 19)})` }
        : { ok: false, critical: true, what: `image ${image}`, detail: 'missing', fix: '`lab images build` (add --offline where no registry can be reached)' });
    }
  }

  const ports = [...new Set(safeLessons(ctx).flatMap((stage) => stage.ports))].sort((a, b) => a - b);
  const ours = 'error' in engine ? new Set<number>() : new Set((await docker.listContainers()).flatMap((c) => c.ports.map((p) => p.hostPort)));
  for (const port of ports) {
    const free = ours.has(port) || (await isPortFree(port));
    add(free
      ? { ok: true, critical: false, what: `port ${port}`, detail: ours.has(port) ? 'published by the lab' : 'free on 127.0.0.1' }
      : { ok: false, critical: false, what: `port ${port}`, detail: 'taken by something that is not the lab', fix: `find it with \`ss -ltnp 'sport = :${port}'\` and stop it` });
  }

  add(hasCommand('debootstrap', ['--version'])
    ? { ok: true, critical: false, what: 'debootstrap', detail: 'present, for `lab images build --offline`' }
    : { ok: false, critical: false, what: 'debootstrap', detail: 'missing; needed only to build images with no registry', fix: 'apt-get install debootstrap' });

  const { warning } = ctx.store().load();
  add({ ok: !warning, critical: false, what: 'progress', detail: warning ?? ctx.store().path });

  const blocking = findings.filter((f) => !f.ok && f.critical).length;
  ctx.out.line(blocking === 0 ? ctx.out.green('The lab is ready.') : ctx.out.red(`${blocking} problem(s) stop the lab; fix them as shown above.`));
  return blocking === 0 ? 0 : 3;
}

function safeLessons(ctx: CommandContext) {
  try {
    return ctx.lessons().stages;
  } catch {
    return [];
  }
}

function hasCommand(command: string, args: string[]): boolean {
  try {
    run(command, args);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5_000 });
}

const firstLine = (text: string): string => text.split('\n')[0] ?? '';
