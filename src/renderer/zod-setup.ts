import { z } from 'zod';

// The page runs under a CSP without 'unsafe-eval'. Zod's JIT probes `new Function`,
// which such a CSP reports as a violation even though zod catches it: switch it off
// before any schema is used.
z.config({ jitless: true });
