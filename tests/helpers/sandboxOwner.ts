/**
 * A process that owns a warm sandbox pool and a run stuck in an endless loop (which reads no
 * more input, so only a parent-death signal can end it), and prints `warm` once all are there:
 * the thing a kill -9 test kills.
 */
import { Sandbox } from '../../server/sandbox/sandbox'

const sandbox = new Sandbox({ mode: 'auto', poolSize: 1 })
const status = await sandbox.settled()
if (status.state !== 'ready') {
  process.stdout.write(`unavailable: ${JSON.stringify(status)}\n`)
  process.exit(1)
}
await sandbox.warm()
await new Promise<void>((resolve) => {
  const t = setInterval(() => {
    if (sandbox.poolIdle().js >= 1) {
      clearInterval(t)
      resolve()
    }
  }, 50)
})
void sandbox.run({ language: 'javascript', code: 'for (;;) {}', tests: "test('t', () => {})", timeoutMs: 60_000 })
const timer = setInterval(() => {
  const idle = sandbox.poolIdle()
  if (idle.js >= 1 && idle.python >= 1) {
    clearInterval(timer)
    process.stdout.write('warm\n')
  }
}, 50)
// Stays alive until killed.
setInterval(() => {}, 60_000)
