/**
 * The moment the interface's code cache is best written: its first frame is drawn, and what it did
 * not need (the engine's modules, the markdown renderer) has not loaded yet. A cache written then
 * holds what the first frame ran and little else, so the next start reads less for the same frame.
 * The loader (script-bundle.ts) listens; the bundle's interface says when. A process event joins the
 * two, since the loader stays outside the bundle.
 */
const EVENT = 'dockerlab:code-cache-checkpoint';

export function codeCacheCheckpoint(): void {
  (process as NodeJS.EventEmitter).emit(EVENT);
}

export function onCodeCacheCheckpoint(listener: () => void): void {
  (process as NodeJS.EventEmitter).once(EVENT, listener);
}
