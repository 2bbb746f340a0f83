/**
 * A DATA_DIR as one side of `codejury storage copy`, read and written through the file stores a
 * server uses (Db, AuditLog, RecordStore, GoldStore, FileActivityStore, UpdateLog, OwnerFile), so
 * that what is written is what a file server loads. The caller holds the directory's lock.
 */
import fs from 'node:fs'
import path from 'node:path'
import { roomName } from '../../../shared/roomNames'
import { Db } from '../db'
import { AuditLog } from '../audit'
import { RecordStore } from '../records'
import type { RecordKeys } from '../recordKey'
import { GoldStore } from '../goldStore'
import { FileActivityStore } from '../activityStore'
import { createStorageProvider } from '../roomStorage'
import { isSession } from '../sessionTypes'
import type { StoredSession } from '../sessionTypes'
import { createFileOnceSync, replaceFileSync } from '../durableFile'
import { LOCK_FILE } from '../lock'
import { foldUpdates, mergeActivityRows, splitRecordKey } from './dataSet'
import type { DataSet, RoomState } from './dataSet'

/** A read side: the data, and what could not be read faithfully (a copy then refuses). */
export interface ReadResult {
  data: DataSet
  problems: string[]
}

/** The stem of a room's files (roomStorage.ts roomFiles): workspace, comments, meta, ballot-<user>. */
const ROOM_FILE = /^(workspace|comments|meta|ballot-([A-Za-z0-9_-]{1,64}))\.(snap|log|old|snap\.prev|log\.prev|owners\.jsonl|owners\.json)$/

/** Every room name that has files under DATA_DIR/rooms. */
function roomNames(dataDir: string): string[] {
  const root = path.join(dataDir, 'rooms')
  if (!fs.existsSync(root)) return []
  const names = new Set<string>()
  for (const taskId of fs.readdirSync(root).sort()) {
    const dir = path.join(root, taskId)
    if (!fs.statSync(dir).isDirectory()) continue
    for (const file of fs.readdirSync(dir).sort()) {
      const m = ROOM_FILE.exec(file)
      if (!m) continue
      const stem = m[1]
      names.add(
        m[2] !== undefined
          ? roomName.ballot(taskId, m[2])
          : roomName[stem as 'workspace' | 'comments' | 'meta'](taskId),
      )
    }
  }
  return [...names]
}

/** A file directory with nothing in it but, perhaps, its lock file. */
export function isEmptyDir(dir: string): boolean {
  if (!fs.existsSync(dir)) return true
  return fs.readdirSync(dir).every((name) => name === LOCK_FILE)
}

/** Reads every kind of a DATA_DIR; `keys` verifies the records (hash and signature) as they are read. */
export async function readDataDir(dataDir: string, keys: RecordKeys): Promise<ReadResult> {
  const problems: string[] = []
  const db = await Db.open(dataDir)
  const audit = new AuditLog(dataDir)
  const store = new RecordStore(dataDir, keys, audit)
  const records = new Map<string, string>()
  for (const taskId of store.taskIds().sort()) {
    for (const revision of store.revisions(taskId)) {
      const key = `${taskId}/${revision}`
      try {
        if (!store.read(taskId, revision)) throw new Error('its audit line names it, but it is not there')
        const text = fs.readFileSync(path.join(dataDir, 'records', taskId, `${revision}.json`), 'utf8')
        records.set(key, text.replace(/\n$/, ''))
      } catch (err) {
        problems.push(`record ${key}: ${(err as Error).message}`)
      }
    }
  }
  const gold = GoldStore.open(dataDir)
  const activity = new Map<string, ReturnType<typeof mergeActivityRows>>()
  const activityStore = new FileActivityStore(path.join(dataDir, 'activity'), (err) => problems.push(`time on task: ${(err as Error).message}`))
  for (const [day, rows] of activityStore.loadOwn()) if (rows.length) activity.set(day, mergeActivityRows(rows))
  const storage = createStorageProvider('disk', dataDir, (damage) => problems.push(`room ${damage.room}: ${damage.problem} (${damage.file})`))
  const rooms = new Map<string, RoomState>()
  for (const name of roomNames(dataDir)) {
    const log = storage.forRoom(name)
    const updates = await log.load()
    log.close()
    rooms.set(name, { state: foldUpdates(updates), owners: storage.ownersFor(name).load() })
  }
  return {
    data: {
      users: [...db.users],
      batches: db.batches,
      tasks: db.tasks,
      sessions: readSessions(dataDir),
      gold: [...gold.taskIds()].sort().map((id) => gold.get(id)!),
      activity,
      audit: audit.read(),
      records,
      rooms,
    },
    problems,
  }
}

/** `sessions.json` as SessionStore keeps it, read without pruning (a copy changes nothing it reads). */
function readSessions(dataDir: string): StoredSession[] {
  const file = path.join(dataDir, 'sessions.json')
  if (!fs.existsSync(file)) return []
  const list = (JSON.parse(fs.readFileSync(file, 'utf8')) as { sessions?: unknown } | null)?.sessions
  return Array.isArray(list) ? list.filter(isSession) : []
}

/**
 * Writes `data` into an empty DATA_DIR: records before the audit lines that commit them (the
 * file store's commit order), rooms as one snapshot each with their owners.
 */
export async function writeDataDir(dataDir: string, data: DataSet, keys: RecordKeys): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const db = await Db.open(dataDir)
  if (data.users.length) await db.replaceUsers(data.users)
  for (const batch of data.batches) await db.putBatch(batch)
  if (data.tasks.length) await db.addTasks(data.tasks)
  replaceFileSync(path.join(dataDir, 'sessions.json'), JSON.stringify({ sessions: data.sessions }))
  fs.chmodSync(path.join(dataDir, 'sessions.json'), 0o600)
  const gold = GoldStore.open(dataDir)
  for (const entry of data.gold) await gold.set(entry)
  const activity = new FileActivityStore(path.join(dataDir, 'activity'))
  fs.mkdirSync(path.join(dataDir, 'activity'), { recursive: true, mode: 0o700 })
  for (const [day, rows] of data.activity) activity.writeDay(day, rows)
  for (const [key, text] of data.records) {
    const { taskId, revision } = splitRecordKey(key)
    const file = path.join(dataDir, 'records', taskId, `${revision}.json`)
    if (!createFileOnceSync(file, text + '\n')) throw new Error(`${file} exists already`)
    fs.chmodSync(file, 0o600)
  }
  const audit = new AuditLog(dataDir)
  for (const entry of data.audit) audit.append(entry)
  // Every copied record is signed: the start-up upgrade of unsigned records has nothing to do.
  new RecordStore(dataDir, keys, audit).markUpgraded()
  const storage = createStorageProvider('disk', dataDir)
  for (const [name, room] of data.rooms) {
    const log = storage.forRoom(name)
    await log.writeInitial(room.state)
    log.close()
    if (room.owners.length) storage.ownersFor(name).add(room.owners)
  }
}
