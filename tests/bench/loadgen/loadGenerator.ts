/**
 * The orchestrator's handle on a load-generator process: spawn (pinned), typed command calls, CPU
 * readings.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Cmd, CollectResult, ConnectResult, PopulateResult, VerifyResult } from './protocol'

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))

interface Results {
  connect: ConnectResult
  run: null
  drain: null
  populate: PopulateResult
  verify: VerifyResult
  collect: CollectResult
  close: null
  setCounting: null
}

export class LoadGenerator {
  private reqId = 0
  private calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (msg: { reqId?: number; result?: unknown; error?: string }) => {
      if (msg.reqId === undefined) return
      const call = this.calls.get(msg.reqId)
      if (!call) return
      this.calls.delete(msg.reqId)
      if (msg.error) call.reject(new Error(`load generator: ${msg.error}`))
      else call.resolve(msg.result)
    })
    child.on('exit', (code) => {
      for (const call of this.calls.values())
        call.reject(new Error(`load generator exited (${code})`))
      this.calls.clear()
    })
  }

  get pid(): number {
    return this.child.pid ?? 0
  }

  static start(cpu: string | null): Promise<LoadGenerator> {
    const nodeArgs = ['--import', 'tsx', MAIN]
    const child = cpu
      ? spawn('taskset', ['-c', cpu, process.execPath, ...nodeArgs], {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        })
      : spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve(new LoadGenerator(child)))
      child.once('exit', (code) => reject(new Error(`load generator exited (${code}) at start`)))
    })
  }

  call<C extends Cmd>(cmd: C): Promise<Results[C['op']]> {
    const reqId = ++this.reqId
    return new Promise((resolve, reject) => {
      this.calls.set(reqId, { resolve: resolve as (v: unknown) => void, reject })
      this.child.send({ reqId, cmd })
    })
  }

  stop(): void {
    this.child.disconnect()
  }
}
