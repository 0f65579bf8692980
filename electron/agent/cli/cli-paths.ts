import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the bundled CLI (dist/cli/rigshift.mjs) finds the built renderer and the
 * resources folder in a checkout. Environment variables override both (packaging, tests).
 */
export function cliPaths(env = process.env): { staticDir: string; resourcesDir: string } {
  const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
  return {
    staticDir: env.RIGSHIFT_RENDERER_DIR ?? here('../renderer'),
    resourcesDir: env.RIGSHIFT_RESOURCES_DIR ?? here('../../resources'),
  };
}

export const rendererBuilt = (staticDir: string) => existsSync(`${staticDir}/index.html`);
