/** Which storage a room gets: its update log under DATA_DIR/rooms, or memory (STORAGE=memory). */
import path from 'node:path'
import { parseRoomName } from '../../shared/roomNames'
import type { StorageMode } from '../config'
import { UpdateLog } from './updateLog'
import type { OnRepair, RoomStorage } from './updateLog'
import { MemoryStorage } from './memoryStorage'
import { OwnerFile } from './ownerFile'
import { MemoryOwnerStore } from '../sync/clientOwners'
import type { OwnerStore } from '../sync/clientOwners'

export interface StorageProvider {
  forRoom(name: string): RoomStorage
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
 * @param onRepair a torn log tail was dropped
 * @param onOwnersCorrupt a room's owner record did not parse and was moved aside (it starts empty)
 */
export function createStorageProvider(
  mode: StorageMode,
  dataDir: string,
  onRepair: OnRepair,
  onOwnersCorrupt: (file: string, err: unknown) => void = () => {},
): StorageProvider {
  if (mode === 'memory') {
    const stores = new Map<string, MemoryStorage>()
    const owners = new Map<string, MemoryOwnerStore>()
    return {
      forRoom(name) {
        let s = stores.get(name)
        if (!s) stores.set(name, (s = new MemoryStorage()))
        return s
      },
      ownersFor(name) {
        let o = owners.get(name)
        if (!o) owners.set(name, (o = new MemoryOwnerStore()))
        return o
      },
    }
  }
  return {
    forRoom(name) {
      const { dir, stem } = roomFiles(dataDir, name)
      return new UpdateLog(dir, stem, onRepair)
    },
    ownersFor(name) {
      const { dir, stem } = roomFiles(dataDir, name)
      return new OwnerFile(dir, stem, onOwnersCorrupt)
    },
  }
}
