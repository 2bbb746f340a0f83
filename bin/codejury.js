#!/usr/bin/env node
// The `codejury` command (package.json "bin"): lets Node load the TypeScript CLI through tsx.
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) })
const { runCli } = await import('../server/cli.ts')
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
})
