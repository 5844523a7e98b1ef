import type { DockerClient } from '../runtime/docker.js';
import { containerFacts, engineInfo, type ContainerFacts, type EngineInfo } from '../runtime/engine-capabilities.js';
import { type MachineRuntime } from './spec.js';
import { MACHINE_IMAGE } from '../runtime/names.js';

/** How machines run on this engine, and the sentence that says why, for `lab machine create` to print. */
export interface ChosenRuntime {
  runtime: MachineRuntime;
  why: string;
}

/** Pure: the runtime from the engine's facts. `--privileged` wherever the engine grants it. */
export function chooseRuntime(info: Pick<EngineInfo, 'cgroupVersion'>, facts: Pick<ContainerFacts, 'privileged'>): ChosenRuntime {
  const runtime: MachineRuntime = { privileged: facts.privileged.allowed, cgroupVersion: info.cgroupVersion };
  const how = facts.privileged.allowed
    ? '--privileged'
    : `every capability but SYS_RESOURCE, unconfined (this engine refuses --privileged: ${facts.privileged.error})`;
  const cgroups = info.cgroupVersion === 2 ? 'cgroup v2: a cgroup namespace of its own, delegated to the inner engine' : "cgroup v1: the host's cgroup tree, writable";
  return { runtime, why: `machines run ${how}; ${cgroups}` };
}

/** Detects it on this engine (the --privileged probe runs once per engine, then comes from the cache). */
export async function detectRuntime(docker: DockerClient): Promise<ChosenRuntime> {
  const info = await engineInfo(docker);
  return chooseRuntime(info, await containerFacts(docker, info, MACHINE_IMAGE));
}
