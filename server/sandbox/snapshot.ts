/**
 * The Pyodide memory snapshot every Python sandbox starts from (a fresh interpreter in ~0.7 s
 * instead of ~2.7 s), the harness already installed in it: a process only adopts it. It is made
 * by the driver in its own sandbox before any subject runs, so no untrusted code ever touched the
 * memory it captures, and kept owner-only in the cache folder.
 */
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { bwrapArgs } from './launch'
import { runtimeVersions } from './driverBundle'
import type { SandboxSetup } from './sandboxProcess'

/** A snapshot bigger than this is not Pyodide's: the maker is stopped. */
const MAX_SNAPSHOT_BYTES = 256 * 2 ** 20
/** How long making one may take. */
export const SNAPSHOT_TIMEOUT_MS = 60_000

/** Makes (or reuses, by the driver bundle's name) the snapshot file; returns its path. */
export async function ensurePythonSnapshot(setup: SandboxSetup, cacheDir: string): Promise<string> {
  // The driver that made it and the Pyodide it holds: either changing makes a new snapshot.
  const key = crypto
    .createHash('sha256')
    .update(path.basename(setup.files.driver))
    .update(setup.files.packages.get('pyodide') ?? '')
    .update(runtimeVersions().pyodide)
    .digest('hex')
    .slice(0, 16)
  const file = path.join(cacheDir, `python-${key}.snapshot`)
  if (fs.existsSync(file)) return file
  const args = bwrapArgs({ nodeBin: setup.nodeBin, libraries: setup.libraries, files: { ...setup.files, snapshot: undefined }, nodeArgs: ['snapshot'] })
  const child = spawn(setup.bwrap, args, { stdio: ['ignore', 'pipe', 'pipe'], env: {} })
  const chunks: Buffer[] = []
  let size = 0
  let stderr = ''
  child.stdout.on('data', (b: Buffer) => {
    size += b.length
    if (size > MAX_SNAPSHOT_BYTES) child.kill('SIGKILL')
    else chunks.push(b)
  })
  child.stderr.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(0, 1000)
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), SNAPSHOT_TIMEOUT_MS)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  const bytes = Buffer.concat(chunks)
  // A wasm memory snapshot starts with no JSON: a failed driver writes one `failed` line instead.
  if (code !== 0 || bytes.length === 0 || bytes[0] === 0x7b) {
    throw new Error(`making the Python snapshot failed (exit ${code}): ${bytes.subarray(0, 300).toString() || stderr.trim()}`)
  }
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, bytes, { mode: 0o644 })
  fs.renameSync(tmp, file)
  return file
}
