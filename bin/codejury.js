#!/usr/bin/env node
// The `codejury` command (package.json "bin"): the compiled CLI (`npm run build`) when it is
// current, else the TypeScript sources through tsx (a checkout with its devDependencies).
import { staleReason } from '../scripts/buildState.mjs'

if (staleReason('cli') === null) {
  await import('../dist/cli/codejury.js')
} else {
  let register
  try {
    ;({ register } = await import('tsx/esm/api'))
  } catch {
    process.stderr.write('codejury: the CLI is not built; run `npm run build` first\n')
    process.exit(2)
  }
  register({ tsconfig: new URL('../tsconfig.json', import.meta.url).pathname })
  await import('./cliMain.ts')
}
