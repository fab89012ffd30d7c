#!/usr/bin/env node
// Runs the CLI from its TypeScript source through tsx, so it is always the code in src/.
require('tsx/cjs/api').register();
require('../src/main/cli/main.ts');
