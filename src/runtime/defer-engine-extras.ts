import Module, { createRequire } from 'node:module';

/**
 * dockerode loads, as it starts, two stacks most runs of the lab never touch: gRPC with its protobuf
 * loader (for BuildKit sessions, which the lab does not open) and ssh2 (for `ssh://` engines). They
 * were 130 of the 180 ms dockerode took to load, on every command. Here they are handed to
 * dockerode's own files as stand-ins that load the real module the first time it is used, so an
 * `ssh://` engine still works, and a local one does not pay for it.
 *
 * Only requires made from dockerode's and docker-modem's own files are deferred; anyone else
 * requiring these modules gets them as usual.
 */
const DEFERRED = new Set(['@grpc/grpc-js', '@grpc/proto-loader', 'ssh2']);
const FROM = /[\\/]node_modules[\\/](dockerode|docker-modem)[\\/]/;

type Loader = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: Loader };
const original = moduleWithLoad._load;

function standIn(request: string, parentFile: string): unknown {
  let real: Record<string | symbol, unknown> | undefined;
  const load = () => (real ??= createRequire(parentFile)(request) as Record<string | symbol, unknown>);
  // docker-modem reads `require('ssh2').Client` as it loads and constructs it only for an ssh:// engine.
  if (request === 'ssh2') {
    return {
      Client: function Client(this: unknown, ...args: unknown[]) {
        const RealClient = load().Client as new (...a: unknown[]) => object;
        return new RealClient(...args);
      },
    };
  }
  return new Proxy({}, { get: (_target, key) => load()[key], has: (_target, key) => key in load(), ownKeys: () => Reflect.ownKeys(load()), getOwnPropertyDescriptor: (_target, key) => Reflect.getOwnPropertyDescriptor(load(), key) });
}

/** Puts the stand-ins in place for what dockerode loads from now on (once; later calls do nothing). */
export function deferEngineExtras(): void {
  if ((moduleWithLoad._load as { deferring?: boolean }).deferring) return;
  const deferring: Loader = function (this: unknown, request, parent, isMain) {
    const parentFile = parent?.filename;
    if (DEFERRED.has(request) && parentFile && FROM.test(parentFile)) return standIn(request, parentFile);
    return original.call(this, request, parent, isMain);
  };
  (deferring as { deferring?: boolean }).deferring = true;
  moduleWithLoad._load = deferring;
}
