#!/usr/bin/env node
// The `rigshift` command (package.json "bin"). The CLI is TypeScript bundled by
// `npm run build` into dist/cli/rigshift.mjs; this shim only finds and runs it.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../../dist/cli/rigshift.mjs', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('rigshift: the CLI is not built yet. Run: npm run build\n');
  process.exit(1);
}
await import(pathToFileURL(bundle).href);
