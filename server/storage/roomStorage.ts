/** Which storage a room gets: its update log under DATA_DIR/rooms, or memory (STORAGE=memory). */
import path from 'node:path'
import { parseRoomName } from '../../shared/roomNames'
import type { StorageMode } from '../config'
import { UpdateLog } from './updateLog'
import type { RoomStorage } from './updateLog'
import type { CorruptionReport } from './roomRecovery'
import { MemoryStorage } from './memoryStorage'
import { OwnerFile } from './ownerFile'
import { MemoryOwnerStore } from './ownerStore'
import type { OwnerStore } from './ownerStore'

/** Health lists at most this many damaged files; every one is still logged. */
const MAX_LISTED_DAMAGES = 1_000

/** A damaged room file as the server lists it: paths relative to DATA_DIR, with the room and time. */
export interface RoomDamage extends CorruptionReport {
  room: string
  at: string
}

/** Where rooms get their storage, and what the server learned about damaged room files. */
export interface StorageProvider {
  forRoom(name: string): RoomStorage
  /** Every damaged room file met since the server started, oldest first (for `/api/health`). */
  damaged(): readonly RoomDamage[]
  /** The room's record of which user owns each Yjs client id (server/sync/clientOwners.ts). */
  ownersFor(name: string): OwnerStore
}

/** `task:t1` → rooms/t1/workspace, `task:t1:ballot:u2` → rooms/t1/ballot-u2. */
export function roomFiles(dataDir: string, name: string): { dir: string; stem: string } {
  const parsed = parseRoomName(name)
  if (!parsed) throw new RangeError(`not a room name: ${name}`)
  const stem = parsed.kind === 'ballot' ? `ballot-${parsed.userId}` : parsed.kind
  return { dir: path.join(dataDir, 'rooms', parsed.taskId), stem }
}

/**
 * The server's room storage. `onDamage` hears of every damaged file as it is found (the server
 * logs it loudly); the provider also keeps the list, which `/api/health` shows until restart.
 * `onOwnersCorrupt`: a room's owner record did not parse and was moved aside (it starts empty).
 */
export function createStorageProvider(
  mode: StorageMode,
  dataDir: string,
  onDamage: (damage: RoomDamage) => void = () => {},
  onOwnersCorrupt: (file: string, err: unknown) => void = () => {},
): StorageProvider {
  const damages: RoomDamage[] = []
  if (mode === 'memory') {
    const stores = new Map<string, MemoryStorage>()
    const owners = new Map<string, MemoryOwnerStore>()
    return {
      forRoom(name) {
        let s = stores.get(name)
        if (!s) stores.set(name, (s = new MemoryStorage()))
        return s
      },
      damaged: () => damages,
      ownersFor(name) {
        let o = owners.get(name)
        if (!o) owners.set(name, (o = new MemoryOwnerStore()))
        return o
      },
    }
  }
  const relative = (file: string) => path.relative(dataDir, file)
  return {
    forRoom(name) {
      const { dir, stem } = roomFiles(dataDir, name)
      return new UpdateLog(dir, stem, (report) => {
        const damage: RoomDamage = {
          room: name,
          problem: report.problem,
          file: relative(report.file),
          keptAs: report.keptAs === null ? null : relative(report.keptAs),
          lostBytes: report.lostBytes,
          recoveredFrom: (report.recoveredFrom ?? []).map(relative),
          at: new Date().toISOString(),
        }
        if (damages.length < MAX_LISTED_DAMAGES) damages.push(damage)
        onDamage(damage)
      })
    },
    damaged: () => damages,
    ownersFor(name) {
      const { dir, stem } = roomFiles(dataDir, name)
      return new OwnerFile(dir, stem, onOwnersCorrupt)
    },
  }
}
