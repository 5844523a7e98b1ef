import { fileURLToPath } from 'node:url';

/** The folder holding lessons/, dockerfiles/ and example-service/ (the same from src/ and dist/). */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
