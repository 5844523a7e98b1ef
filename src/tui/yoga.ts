import { loadYoga } from 'yoga-layout/load';

/**
 * ink's layout engine, as the bundle hands it to ink. yoga-layout's main module waits for its
 * WebAssembly at the top level, which a script (the bundle is one: scripts/build.js, for V8's code
 * cache) cannot do, so the build points ink's `import Yoga from 'yoga-layout'` here: the same engine
 * from yoga-layout's own `load` entry, made ready by `yogaReady()` before the interface first renders
 * (src/tui/load-interface.ts). Unbundled, ink imports yoga-layout itself and this waits for nothing ink uses.
 */
type Yoga = Awaited<ReturnType<typeof loadYoga>>;
let instance: Yoga | undefined;
let loading: Promise<void> | undefined;

export function yogaReady(): Promise<void> {
  loading ??= loadYoga().then((yoga) => {
    instance = yoga;
  });
  return loading;
}

const Yoga = new Proxy({} as Yoga, {
  get(_target, key) {
    if (!instance) throw new Error('the layout engine was used before yogaReady() resolved');
    return Reflect.get(instance, key) as unknown;
  },
});
export default Yoga;
