/**
 * Whether dist/ and client/dist are current: every output exists and none is older than the
 * newest file it is built from. A stat walk (a few ms), so `npm start` and the `codejury` bin
 * can check on every start and rebuild only when a source changed.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Builds and what they are made of, relative to the repository root. */
export const TARGETS = {
  server: {
    outputs: ['dist/server/main.js'],
    sources: ['server', 'shared', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/buildServer.mjs'],
  },
  cli: {
    outputs: ['dist/cli/codejury.js'],
    sources: ['cli', 'server', 'shared', 'bin/cliMain.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/buildServer.mjs'],
  },
  client: {
    outputs: ['client/dist/index.html', 'client/dist/runner/frame.html'],
    sources: ['client', 'shared', 'package.json', 'package-lock.json', 'vite.config.ts'],
  },
}

/** Folders never read as sources: build outputs and installed packages. */
const SKIP = new Set(['client/dist', 'dist', 'node_modules'])

function newest(root, rel) {
  let latest = { mtimeMs: 0, file: '' }
  const visit = (r) => {
    if (SKIP.has(r)) return
    let st
    try {
      st = fs.statSync(path.join(root, r))
    } catch {
      return
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(path.join(root, r))) visit(`${r}/${name}`)
    } else if (st.mtimeMs > latest.mtimeMs) latest = { mtimeMs: st.mtimeMs, file: r }
  }
  visit(rel)
  return latest
}

/** Why `target` (a key of TARGETS) needs building under `root`, or null when it is current. */
export function staleReason(target, root = ROOT) {
  const { outputs, sources } = TARGETS[target]
  let oldest = Infinity
  for (const out of outputs) {
    let st
    try {
      st = fs.statSync(path.join(root, out))
    } catch {
      return `${out} is missing`
    }
    oldest = Math.min(oldest, st.mtimeMs)
  }
  for (const src of sources) {
    const n = newest(root, src)
    if (n.mtimeMs > oldest) return `${n.file} is newer than the ${target} build`
  }
  return null
}
