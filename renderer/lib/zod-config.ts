import { z } from 'zod';

/**
 * zod 4 compiles fast object parsers with `new Function` and probes for it; under our CSP
 * (script-src 'self', no 'unsafe-eval') the probe is reported as a violation even though
 * zod catches it. The setting is read when each object schema is created, so this module
 * is imported first by main.tsx, before the contract's schemas exist.
 */
z.config({ jitless: true });
