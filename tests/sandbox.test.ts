/**
 * The server's sandbox holds: each probe runs the same JavaScript inside a sandboxed process
 * (with every right JavaScript has there, as a subject that took over its runtime would) and
 * in a plain node process outside, which is the control that the call itself works.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Sandbox } from '../server/sandbox/sandbox'
import { startServer, type TestServer } from './helpers/server'
import { waitFor } from './helpers/waitFor'

const test = suite('sandbox')

let sandbox: Sandbox
let server: TestServer
let redis: net.Server | null = null
const SECRET = 'postgres://codejury:s3cret@db.internal/codejury'

test.before(async () => {
  process.env.DATABASE_URL = SECRET
  sandbox = new Sandbox({ mode: 'auto', poolSize: 0, memoryMb: 256 })
  server = await startServer()
  // Something to refuse at Redis's port: the control proves a connection there works outside.
  redis = net.createServer((s) => s.destroy())
  await new Promise<void>((resolve) => {
    redis!.once('error', () => {
      redis = null // taken by a real Redis: the control connects to that instead
      resolve()
    })
    redis!.listen(6379, '127.0.0.1', resolve)
  })
  const status = await sandbox.settled()
  assert.is(status.state, 'ready', JSON.stringify(status))
})

test.after(async () => {
  delete process.env.DATABASE_URL
  sandbox.close()
  redis?.close()
  await server.stop()
})

/** Runs `source` as an async function body in a plain node child with this process's environment. */
function outside(source: string): Promise<unknown> {
  const program = `const f = async () => {${source}\n}; f().then((v) => process.stdout.write(JSON.stringify(v)), (e) => process.stdout.write(JSON.stringify({ thrown: String(e) })))`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', program], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('close', () => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(out))
      } catch (e) {
        reject(new Error(`the outside control printed ${out}`))
      }
    })
  })
}

/** Both sides: the same source inside the sandbox and outside it. */
async function both(source: string): Promise<{ inside: any; outside: any }> {
  const [a, b] = await Promise.all([sandbox.probe(source), outside(source)])
  return { inside: a, outside: b }
}

const attempt = (body: string) => `try { ${body}; return 'did it' } catch (e) { return 'refused: ' + (e && e.code || e) }`

const connect = (port: number) =>
  attempt(`await new Promise(async (resolve, reject) => {
    const net = await import('node:net')
    const s = net.connect({ host: '127.0.0.1', port: ${port} })
    s.on('connect', () => { s.destroy(); resolve() })
    s.on('error', reject)
    setTimeout(() => reject(new Error('no answer')), 3000)
  })`)

test("refuses a TCP connection to the server's own port that works outside", async () => {
  const r = await both(connect(server.port))
  assert.is(r.outside, 'did it')
  assert.match(r.inside, /^refused/)
})

test('refuses a TCP connection to 127.0.0.1:6379 that works outside', async () => {
  const r = await both(connect(6379))
  assert.is(r.outside, 'did it')
  assert.match(r.inside, /^refused/)
})

test('refuses an HTTP request that works outside', async () => {
  const r = await both(attempt(`const res = await fetch(${JSON.stringify(server.url + '/api/health')}); if (!res.ok) throw new Error(res.status)`))
  assert.is(r.outside, 'did it')
  assert.match(r.inside, /^refused/)
})

test('cannot read /etc/passwd, which a process outside reads', async () => {
  const r = await both(attempt(`const fs = await import('node:fs'); if (!fs.readFileSync('/etc/passwd', 'utf8').includes('root:')) throw new Error('empty')`))
  assert.is(r.outside, 'did it')
  assert.match(r.inside, /^refused/)
})

test("cannot see the server's environment (DATABASE_URL), which a child outside inherits", async () => {
  const r = await both(`return { url: process.env.DATABASE_URL ?? null, names: Object.keys(process.env) }`)
  assert.is(r.outside.url, SECRET)
  assert.is(r.inside.url, null)
  assert.equal(r.inside.names.filter((n: string) => n !== 'PWD'), [])
})

test('cannot write to /tmp, which a process outside can', async () => {
  const file = path.join(os.tmpdir(), `codejury-sandbox-probe-${process.pid}`)
  try {
    const r = await both(attempt(`const fs = await import('node:fs'); fs.writeFileSync(${JSON.stringify(file)}, 'x')`))
    assert.is(r.outside, 'did it')
    assert.ok(fs.existsSync(file))
    fs.rmSync(file)
    const tmp = await sandbox.probe(attempt(`const fs = await import('node:fs'); fs.writeFileSync('/tmp/x', 'x')`))
    assert.match(String(tmp), /^refused/)
    assert.match(r.inside, /^refused/)
    assert.not.ok(fs.existsSync(file), 'the sandbox wrote the host file')
  } finally {
    fs.rmSync(file, { force: true })
  }
})

test('cannot start a process, which a process outside can', async () => {
  const r = await both(
    attempt(`const cp = await import('node:child_process'); const res = cp.spawnSync(${JSON.stringify(process.execPath)}, ['-e', 'process.stdout.write("hi")']); if (res.error) throw res.error; if (String(res.stdout) !== 'hi') throw new Error('no output')`),
  )
  assert.is(r.outside, 'did it')
  assert.match(r.inside, /^refused/)
})

test('cannot signal the server, which a process outside can', async () => {
  let continued = 0
  const onCont = () => continued++
  process.on('SIGCONT', onCont)
  try {
    const r = await both(attempt(`process.kill(${process.pid}, 'SIGCONT')`))
    assert.is(r.outside, 'did it')
    assert.ok(continued >= 1, 'the control signal arrived')
    assert.match(r.inside, /^refused/)
  } finally {
    process.off('SIGCONT', onCont)
  }
})

test('runs as nobody, in its own process and network namespaces', async () => {
  const r = await both(`const os = await import('node:os'); return { uid: process.getuid(), pid: process.pid, nets: Object.keys(os.networkInterfaces()) }`)
  assert.is(r.inside.uid, 65534)
  assert.ok(r.inside.pid < 10, `pid ${r.inside.pid} inside a fresh pid namespace`)
  assert.equal(r.inside.nets, ['lo'])
  assert.is(r.outside.uid, process.getuid!())
})

test('kills an infinite loop at its time limit; a correct candidate beside it passes', async () => {
  const tests = 'def test_add():\n    assert add(2, 3) == 5\n'
  const started = Date.now()
  const loop = await sandbox.run({ language: 'python', code: 'def add(a, b):\n    return a + b\nwhile True:\n    pass\n', tests, timeoutMs: 1_000 })
  assert.is(loop.outcome.status, 'timeout')
  assert.ok(Date.now() - started < 30_000)
  const good = await sandbox.run({ language: 'python', code: 'def add(a, b):\n    return a + b\n', tests, timeoutMs: 5_000 })
  assert.is(good.outcome.status, 'pass', JSON.stringify(good.outcome))
})

/** What a Python subject's module level computed, read back from the one case's failure message. */
async function pythonValue(code: string): Promise<string> {
  const run = await sandbox.run({ language: 'python', code, tests: 'def test_value():\n    assert False, repr(VALUE)\n', timeoutMs: 5_000 })
  const message = run.outcome.cases[0]?.message ?? ''
  assert.ok(run.outcome.cases.length === 1, JSON.stringify(run.outcome))
  return message
}

test('each Python process draws its own random numbers; a seeded generator repeats in both, the control', async () => {
  const draw = 'import random\nVALUE = random.random()\n'
  const [a, b] = await Promise.all([pythonValue(draw), pythonValue(draw)])
  assert.match(a, /0\.\d+/)
  assert.is.not(a, b, 'two processes restored from one snapshot drew the same number')
  const seeded = 'import random\nrandom.seed(7)\nVALUE = random.random()\n'
  const [c, d] = await Promise.all([pythonValue(seeded), pythonValue(seeded)])
  assert.match(c, /0\.\d+/)
  assert.is(c, d)
})

test('a subject cannot see the harness the snapshot carried compiled, while it sees the rest of sys', async () => {
  assert.match(await pythonValue("import sys\nVALUE = [n for n in dir(sys) if 'codejury' in n or 'harness' in n]\n"), /\[\]/)
  assert.match(await pythonValue("import sys\nVALUE = [n for n in dir(sys) if n in ('path', 'modules')]\n"), /\['modules', 'path'\]/)
})

test('a run reports the CPU time its process used, which a busier subject raises', async () => {
  const tests = "test('adds', () => assert.equal(add(2, 3), 5))"
  const before = sandbox.spentCpu()
  const idle = await sandbox.run({ language: 'javascript', code: 'function add(a, b) { return a + b }', tests, timeoutMs: 5_000 })
  const busy = await sandbox.run({ language: 'javascript', code: 'let x = 0\nfor (let i = 0; i < 1e7; i++) x += i % 7\nfunction add(a, b) { return a + b }', tests, timeoutMs: 20_000 })
  assert.is(idle.outcome.status, 'pass', JSON.stringify(idle.outcome))
  assert.is(busy.outcome.status, 'pass', JSON.stringify(busy.outcome))
  assert.ok(idle.cpuMs > 0, `cpu ${idle.cpuMs}`)
  assert.ok(busy.cpuMs > idle.cpuMs, `busy ${busy.cpuMs} <= idle ${idle.cpuMs}`)
  const after = sandbox.spentCpu()
  assert.is(after.subjects - before.subjects, 2)
  assert.is(after.cpuMs - before.cpuMs, idle.cpuMs + busy.cpuMs)
})

test('kills a JavaScript loop that never yields at its time limit; a correct candidate passes', async () => {
  const tests = "test('adds', () => assert.equal(add(2, 3), 5))"
  const loop = await sandbox.run({ language: 'javascript', code: 'function add(a, b) { return a + b }\nfor (;;) {}', tests, timeoutMs: 1_000 })
  assert.is(loop.outcome.status, 'timeout')
  const good = await sandbox.run({ language: 'javascript', code: 'function add(a, b) { return a + b }', tests, timeoutMs: 5_000 })
  assert.is(good.outcome.status, 'pass', JSON.stringify(good.outcome))
})

test('kills a memory bomb at the memory cap; a candidate that allocates a little passes', async () => {
  const tests = 'def test_size():\n    assert size() > 0\n'
  const bomb = await sandbox.run({ language: 'python', code: 'keep = []\nwhile True:\n    keep.append(bytearray(32 * 1024 * 1024))\ndef size():\n    return 1\n', tests, timeoutMs: 20_000 })
  assert.is(bomb.outcome.status, 'error')
  assert.match(bomb.outcome.error ?? '', /memory/)
  const small = await sandbox.run({ language: 'python', code: 'keep = bytearray(1024 * 1024)\ndef size():\n    return len(keep)\n', tests, timeoutMs: 5_000 })
  assert.is(small.outcome.status, 'pass', JSON.stringify(small.outcome))
})

test('kills a process-level memory bomb at the cap even with every right JavaScript has', async () => {
  let err: Error | null = null
  try {
    await sandbox.probe(`const keep = []; for (;;) { keep.push(new Uint8Array(16 * 1024 * 1024).fill(1)); await new Promise((r) => setTimeout(r, 1)) }`)
  } catch (e) {
    err = e as Error
  }
  assert.match(String(err?.message), /memory cap/)
  // The control: the same allocation, bounded, completes.
  assert.is(await sandbox.probe(`const keep = []; for (let i = 0; i < 4; i++) keep.push(new Uint8Array(16 * 1024 * 1024).fill(1)); return keep.length`), 4)
})

/** Pids of `pid`'s descendants that are still running (not zombies). */
function liveDescendants(pid: number): number[] {
  const found: number[] = []
  const stack = [pid]
  while (stack.length) {
    const p = stack.pop()!
    try {
      for (const c of fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').split(' ')) {
        if (c.trim()) {
          found.push(Number(c))
          stack.push(Number(c))
        }
      }
    } catch {
      // gone
    }
  }
  return found
}

function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}

test('leaves no sandboxed process behind when the server is killed with SIGKILL', async () => {
  const owner = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, 'helpers/sandboxOwner.ts')], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    let out = ''
    owner.stdout.on('data', (d) => (out += d))
    await waitFor(() => out.includes('warm') || out.includes('unavailable'), 'the owner to fill its pool', 120_000)
    assert.ok(out.includes('warm'), out)
    // The control: while the owner lives, its sandboxes run (bubblewrap and node inside): two
    // warm ones and one busy in an endless loop that no closed pipe would stop.
    const sandboxed = liveDescendants(owner.pid!)
    assert.ok(sandboxed.length >= 6, `descendants ${sandboxed}`)
    owner.kill('SIGKILL')
    await waitFor(() => sandboxed.every((p) => !alive(p)), 'every sandboxed process to end', 20_000)
  } finally {
    owner.kill('SIGKILL')
  }
})

test.run()
