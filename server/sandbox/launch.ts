/** How one sandboxed process starts: bubblewrap around node with the permission model (no shell). */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

/** Where the sandbox sees its files; nothing else exists inside but /proc, /dev and node's libraries. */
export const INSIDE_DIR = '/sandbox'
export const INSIDE_DRIVER = `${INSIDE_DIR}/driver.mjs`
export const INSIDE_SNAPSHOT = `${INSIDE_DIR}/python.snapshot`
/** The unprivileged uid and gid (nobody) the sandboxed process runs as inside its user namespace. */
export const SANDBOX_UID = 65534
/** V8's heap cap inside the sandbox; wasm memory is outside it, so an RSS watchdog backs it up. */
export const SANDBOX_HEAP_MB = 256

/** The host files a sandbox binds read-only: the driver bundle, the runtimes' packages, a snapshot. */
export interface SandboxFiles {
  /** The bundled driver (server/sandbox/driver.ts built by driverBundle.ts). */
  driver: string
  /** node_modules packages the driver loads at run time: inside name → host directory. */
  packages: ReadonlyMap<string, string>
  /** A Pyodide memory snapshot made by a trusted run of the driver, when there is one. */
  snapshot?: string
}

/**
 * The shared libraries the node binary loads, as `[host real path, path node asks for]`.
 * Read once from `ldd`; the sandbox gets exactly these files, not /lib or /usr.
 */
export function nodeLibraries(nodeBin: string): [string, string][] {
  const out = execFileSync('ldd', [nodeBin], { encoding: 'utf8' })
  const libs: [string, string][] = []
  for (const line of out.split('\n')) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line)
    if (m) libs.push([fs.realpathSync(m[1]), m[1]])
  }
  return libs
}

/** The node binary the sandbox runs: this server's own, resolved through symlinks. */
export function nodeBinary(): string {
  return fs.realpathSync(process.execPath)
}

/**
 * The argv of `bwrap` for one sandboxed node process. Every namespace is unshared (network
 * included), the environment is cleared, the process runs as nobody in a new session and dies
 * with its parent; the only files are node, its libraries and `files`, all read-only; there is no
 * /tmp and no writable path at all. Node itself runs under its permission model: reads only under
 * /sandbox, no child processes, no workers, no native addons.
 */
export function bwrapArgs(opts: { nodeBin: string; libraries: [string, string][]; files: SandboxFiles; nodeArgs: string[] }): string[] {
  const { nodeBin, libraries, files } = opts
  const args = [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    '--uid', String(SANDBOX_UID),
    '--gid', String(SANDBOX_UID),
    '--hostname', 'sandbox',
    '--cap-drop', 'ALL',
    '--proc', '/proc',
    '--dev', '/dev',
    '--ro-bind', nodeBin, '/usr/bin/node',
  ]
  for (const [host, inside] of libraries) args.push('--ro-bind', host, inside)
  args.push('--ro-bind', files.driver, INSIDE_DRIVER)
  for (const [name, host] of files.packages) args.push('--ro-bind', host, path.posix.join(INSIDE_DIR, 'node_modules', name))
  if (files.snapshot) args.push('--ro-bind', files.snapshot, INSIDE_SNAPSHOT)
  args.push(
    '--chdir', INSIDE_DIR,
    '/usr/bin/node',
    '--experimental-permission',
    `--allow-fs-read=${INSIDE_DIR}`,
    '--no-addons',
    `--max-old-space-size=${SANDBOX_HEAP_MB}`,
    '--disable-warning=ExperimentalWarning',
    '--disallow-code-generation-from-strings',
    INSIDE_DRIVER,
    ...opts.nodeArgs,
  )
  return args
}
