import type { MachineView } from '../probes/machines.js';
import { machineContainer } from '../runtime/names.js';
import { fail, type Judgement } from './types.js';

/** The machine exists, runs, and its engine answered: otherwise the failure that says what to do. */
export function judgeMachineUp(view: MachineView | undefined, name: string): Judgement | undefined {
  if (!view || !view.exists) return fail(`There is no lab machine "${name}".`, `Create it: \`lab machine create ${name}\`.`);
  if (!view.running) return fail(`The machine "${name}" is ${view.state}.`, `Start it again: \`docker start ${machineContainer(name)}\`.`);
  if (!Array.isArray(view.containers)) return fail(`The engine of "${name}" did not answer: ${view.containers.error}.`, `\`docker logs ${machineContainer(name)}\` shows the engine's log.`);
  return undefined;
}
