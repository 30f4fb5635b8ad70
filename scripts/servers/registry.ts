/** Every test server, by name. Add a server by writing its spec beside this file and listing it here. */
import type { ServerSpec } from './spec.js';

export const servers: readonly ServerSpec[] = [];
