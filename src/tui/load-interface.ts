/**
 * Loads the interface's modules, React's production build among them (NODE_ENV=production unless the
 * learner set it: the development build loads and renders slower, for warnings only a React developer
 * reads). ink draws nothing but the last frame, on exit, when CI or
 * CONTINUOUS_INTEGRATION is set (is-in-ci reads them once, as ink loads): a learner's terminal in a
 * shell that exports CI=true would stay blank. The interface only ever runs in a terminal, so the two
 * are hidden while ink loads, then put back as they were for everything the lab runs.
 *
 * So is `fetch`: ink's layout engine (yoga, WebAssembly built by emscripten) asks `typeof fetch` as it
 * loads, and that question alone makes Node load its HTTP client, undici: 40 ms of the first frame.
 * Without it, yoga takes its binary from its own module, as it does anyway.
 */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function loadInterface(): Promise<typeof import('./start-tui.js')> {
  const { env } = process;
  const saved = [...CI_VARIABLES, 'NODE_ENV'].map((name) => [name, env[name]] as const);
  for (const name of CI_VARIABLES) delete env[name];
  // The bundle (scripts/build.js) has React's production build chosen already; this is for the unbundled lab.
  env['NODE_ENV'] ??= 'production';
  const fetchDescriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  if (fetchDescriptor?.configurable) Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
  try {
    const [tui] = await Promise.all([import('./start-tui.js'), import('./yoga.js').then(({ yogaReady }) => yogaReady())]);
    return tui;
  } finally {
    if (fetchDescriptor?.configurable) Object.defineProperty(globalThis, 'fetch', fetchDescriptor);
    for (const [name, value] of saved) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
  }
}
