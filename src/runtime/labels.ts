/** Label keys carried by everything the lab creates. Cleanup selects by these, never by name. */
export const LABEL_MANAGED = 'dev.dockerlab.managed';
export const LABEL_STAGE = 'dev.dockerlab.stage';
export const LABEL_ROLE = 'dev.dockerlab.role';
export const LABEL_IMAGE = 'dev.dockerlab.image';

export type Role = 'server' | 'lb' | 'consul' | 'consul-agent' | 'host' | 'registry' | 'probe';

export const MANAGED_FILTER = `${LABEL_MANAGED}=true`;

export function labLabels(stage: string, role: Role): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_STAGE]: stage, [LABEL_ROLE]: role };
}

/** The same labels as `--label k=v` arguments, for commands shown to the learner. */
export function labelArgs(labels: Record<string, string>): string[] {
  return Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]);
}
