/**
 * Loads the interface's modules, React's production build among them (NODE_ENV=production unless the
 * learner set it: the development build loads and renders slower, for warnings only a React developer
 * reads). ink draws nothing but the last frame, on exit, when CI or
 * CONTINUOUS_INTEGRATION is set (is-in-ci reads them once, as ink loads): a learner's terminal in a
 * shell that exports CI=true would stay blank. The interface only ever runs in a terminal, so the two
 * are hidden while ink loads, then put back as they were for everything the lab runs.
 */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function loadInterface(): Promise<typeof import('./start-tui.js')> {
  const saved = [...CI_VARIABLES, 'NODE_ENV'].map((name) => [name, process.env[name]] as const);
  for (const name of CI_VARIABLES) delete process.env[name];
  process.env['NODE_ENV'] ??= 'production';
  try {
    return await import('./start-tui.js');
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
