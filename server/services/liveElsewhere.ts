/**
 * What other instances say of who is in each task's workspace: each instance tells the others its
 * own people per task when they change, and again every SHARE_EVERY_MS while anyone is there; what
 * an instance has not repeated within FORGET_AFTER_MS is forgotten (an instance killed with -9
 * says nothing more, and its people drop off the dashboards within that time).
 */
import type { PresentUser } from '../../shared/types'
import type { Progress } from '../../shared/progress'

/** What one instance tells the others of a task's workspace. */
export type LiveShare = { taskId: string; present: PresentUser[] } | { taskId: string; progress: Progress }

export const SHARE_EVERY_MS = 20_000
export const FORGET_AFTER_MS = 50_000

interface Said {
  present: PresentUser[]
  at: number
}

export class PresenceElsewhere {
  /** task id → instance id → what that instance last said. */
  private readonly byTask = new Map<string, Map<string, Said>>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Instance `from` says these people are in task `taskId`'s workspace (none: it has nobody there). */
  set(from: string, taskId: string, present: PresentUser[]): void {
    let said = this.byTask.get(taskId)
    if (!said) {
      if (present.length === 0) return
      this.byTask.set(taskId, (said = new Map()))
    }
    if (present.length === 0) said.delete(from)
    else said.set(from, { present, at: this.now() })
    if (said.size === 0) this.byTask.delete(taskId)
  }

  /** `local` with everyone other instances have there, each person once (local first). */
  merged(taskId: string, local: PresentUser[]): PresentUser[] {
    const said = this.byTask.get(taskId)
    if (!said) return local
    const cutoff = this.now() - FORGET_AFTER_MS
    const byId = new Map(local.map((p) => [p.id, p]))
    for (const [from, entry] of said) {
      if (entry.at < cutoff) {
        said.delete(from)
        continue
      }
      for (const p of entry.present) if (!byId.has(p.id)) byId.set(p.id, p)
    }
    if (said.size === 0) this.byTask.delete(taskId)
    return [...byId.values()]
  }
}

/** Another instance's message, if it is one LiveHub understands; anything else is dropped. */
export function readLiveShare(body: unknown): LiveShare | null {
  if (!body || typeof body !== 'object') return null
  const { taskId, present, progress } = body as { taskId?: unknown; present?: unknown; progress?: unknown }
  if (typeof taskId !== 'string') return null
  if (progress && typeof progress === 'object' && !Array.isArray(progress)) return { taskId, progress: progress as Extract<LiveShare, { progress: unknown }>['progress'] }
  if (!Array.isArray(present)) return null
  const people = present.filter((p): p is PresentUser => !!p && typeof p === 'object' && typeof (p as PresentUser).id === 'string' && typeof (p as PresentUser).name === 'string')
  return { taskId, present: people }
}
