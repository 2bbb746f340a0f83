/** Which storage a room gets: its update log under DATA_DIR/rooms, or memory (STORAGE=memory). */
import path from 'node:path'
import { parseRoomName } from '../../shared/roomNames'
import type { StorageMode } from '../config'
import { MemoryStorage, UpdateLog } from './updateLog'
import type { OnRepair, RoomStorage } from './updateLog'

export interface StorageProvider {
  forRoom(name: string): RoomStorage
}

/** `task:t1` → rooms/t1/workspace, `task:t1:ballot:u2` → rooms/t1/ballot-u2. */
export function roomFiles(dataDir: string, name: string): { dir: string; stem: string } {
  const parsed = parseRoomName(name)
  if (!parsed) throw new RangeError(`not a room name: ${name}`)
  const stem = parsed.kind === 'ballot' ? `ballot-${parsed.userId}` : parsed.kind
  return { dir: path.join(dataDir, 'rooms', parsed.taskId), stem }
}

export function createStorageProvider(mode: StorageMode, dataDir: string, onRepair: OnRepair): StorageProvider {
  if (mode === 'memory') {
    const stores = new Map<string, MemoryStorage>()
    return {
      forRoom(name) {
        let s = stores.get(name)
        if (!s) stores.set(name, (s = new MemoryStorage()))
        return s
      },
    }
  }
  return {
    forRoom(name) {
      const { dir, stem } = roomFiles(dataDir, name)
      return new UpdateLog(dir, stem, onRepair)
    },
  }
}
