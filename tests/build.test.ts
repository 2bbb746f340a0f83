/** The compiled server and CLI (npm run build): they run from the repository root without tsx. */
import { execFile, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { buildServer } from '../scripts/buildServer.mjs'
import { staleReason, TARGETS } from '../scripts/buildState.mjs'
import { waitFor } from './helpers/waitFor'

const ROOT = path.resolve(import.meta.dirname, '..')
const run = promisify(execFile)
const children: ChildProcess[] = []
const temps: string[] = []

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cj-build-'))
  temps.push(d)
  return d
}

test.after.each(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
})
test.after(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

test('the compiled server starts from a clean build with the demo data, answers health, serves the runtimes and bundles its sandbox driver', async () => {
  fs.rmSync(path.join(ROOT, 'dist/server'), { recursive: true, force: true })
  await buildServer()
  assert.is(staleReason('server'), null, 'a fresh build is current')
  const dataDir = tempDir()
  // No --import: only what the build wrote and the runtime dependencies are loaded.
  const proc = spawn(process.execPath, ['--max-semi-space-size=64', 'dist/server/main.js'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, WARM_UP: '0', SANDBOX_CACHE_DIR: path.join(dataDir, 'sandbox-cache'), SANDBOX_POOL: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(proc)
  let out = ''
  proc.stdout!.on('data', (d) => (out += d))
  proc.stderr!.on('data', (d) => (out += d))
  await waitFor(() => /listening on http:\/\/[\d.]+:\d+/.test(out) || proc.exitCode !== null, 'the built server to listen', 30_000)
  const url = /listening on (http:\/\/[\d.]+:\d+)/.exec(out)?.[1]
  assert.ok(url, `the built server did not start:\n${out}`)
  assert.ok(/sign in as Ada \(annotator\)/.test(out), 'the demo users are seeded')

  const health = await fetch(`${url}/api/health`)
  assert.is(health.status, 200)
  assert.equal(await health.json(), { ok: true })
  // A runtime file the server finds in node_modules at run time, and one path it must refuse.
  const wasm = await fetch(`${url}/runner/vendor/quickjs/emscripten-module.wasm`)
  assert.is(wasm.status, 200)
  assert.is(wasm.headers.get('content-type'), 'application/wasm')
  await wasm.arrayBuffer()
  const unknown = await fetch(`${url}/runner/vendor/pyodide/package.json`)
  assert.is(unknown.status, 404)
  await unknown.arrayBuffer()

  // The sandbox bundles server/sandbox/driver.ts at start: the built server must still find it.
  const lead = fs.readFileSync(path.join(dataDir, 'lead-token'), 'utf8').trim()
  let status: { state: string; reason?: string } = { state: 'starting' }
  await waitFor(async () => {
    const res = await fetch(`${url}/api/sandbox`, { headers: { authorization: `Bearer ${lead}` } })
    status = (await res.json()) as typeof status
    return status.state !== 'starting'
  }, 'the sandbox to settle', 60_000)
  assert.not.match(status.reason ?? '', /driver|ENOENT|Could not resolve/, `the sandbox could not build its driver: ${status.reason}`)
  if (fs.existsSync('/usr/bin/bwrap')) assert.is(status.state, 'ready', JSON.stringify(status))
  assert.ok(fs.readdirSync(path.join(dataDir, 'sandbox-cache')).some((f) => /^driver-[0-9a-f]{16}\.mjs$/.test(f)), 'the driver bundle is written')
})

test('the built CLI answers --version with the package version and --help with its commands, and refuses an unknown command', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
  const version = await run(process.execPath, ['dist/cli/codejury.js', '--version'], { cwd: ROOT })
  assert.is(version.stdout, `codejury ${pkg.version}\n`)
  const help = await run(process.execPath, ['dist/cli/codejury.js', '--help'], { cwd: ROOT })
  assert.match(help.stdout, /^codejury: manage a running codejury server/)
  assert.match(help.stdout, /users add/)
  const bin = await run(process.execPath, ['bin/codejury.js', '--version'], { cwd: ROOT })
  assert.is(bin.stdout, `codejury ${pkg.version}\n`)
  const bad = await run(process.execPath, ['dist/cli/codejury.js', 'no-such-command'], { cwd: ROOT }).then(
    () => null,
    (e: { code: number; stderr: string }) => e,
  )
  assert.ok(bad, 'an unknown command fails')
  assert.is(bad.code, 2)
  assert.match(bad.stderr, /unknown command "no-such-command"/)
})

test('the built CLI ends quietly when its reader closes the pipe early, and prints everything when it does not', async () => {
  const runHelp = (closeEarly: boolean) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['dist/cli/codejury.js', '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(child)
      let stdout = ''
      let stderr = ''
      if (closeEarly) child.stdout.destroy()
      else child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      child.on('close', (code) => resolve({ code, stdout, stderr }))
    })
  const full = await runHelp(false)
  assert.is(full.code, 0)
  assert.match(full.stdout, /Exit codes:/)
  const cut = await runHelp(true)
  assert.is(cut.stderr, '', 'no stack trace')
  assert.is(cut.code, 0)
})

test('the start check calls a build current only when every output exists and no source is newer', () => {
  const root = tempDir()
  const { outputs, sources } = TARGETS.server
  const write = (rel: string, atMs: number) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), 'x')
    fs.utimesSync(path.join(root, rel), atMs / 1000, atMs / 1000)
  }
  const t0 = Date.now() - 60_000
  write('server/main.ts', t0)
  write('shared/types.ts', t0)
  assert.is(staleReason('server', root), `${outputs[0]} is missing`)
  for (const out of outputs) write(out, t0 + 10_000)
  assert.is(staleReason('server', root), null)
  write('shared/deep/er/file.ts', t0 + 20_000)
  assert.is(staleReason('server', root), 'shared/deep/er/file.ts is newer than the server build')
  // What is built, and installed packages, never count as sources.
  for (const out of outputs) write(out, t0 + 30_000)
  write('node_modules/x/index.js', t0 + 40_000)
  write('client/dist/index.html', t0 + 40_000)
  assert.is(staleReason('server', root), null)
  assert.ok(sources.includes('server') && sources.includes('shared'))
})

test.run()
