#!/usr/bin/env node
/** `npm start`'s first step: builds only when a build is missing or older than its sources. */
import { spawnSync } from 'node:child_process'
import { ROOT, staleReason, TARGETS } from './buildState.mjs'

const reasons = Object.keys(TARGETS).map((t) => staleReason(t)).filter(Boolean)
if (reasons.length > 0) {
  console.log(`codejury: building (${reasons[0]})`)
  const npm = process.env.npm_execpath
  const run = npm ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: ROOT, stdio: 'inherit' }) : spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  if (run.status !== 0) {
    console.error('codejury: the build failed; `npm run build` needs the devDependencies (npm install without --omit=dev)')
    process.exit(1)
  }
}
