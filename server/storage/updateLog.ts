/**
 * A room's durable Yjs state: a snapshot plus an append-only log of updates.
 *
 * Records are `[u32 length][u32 crc32][payload]`, little-endian. Appends are synchronous writes to
 * an open descriptor, made before an update is relayed, so a `kill -9` at any moment loses nothing
 * that was relayed (the bytes are in the kernel once `writeSync` returns; fsync is done for
 * snapshots). A torn or corrupt tail, left by a crash mid-write, is detected by its length or CRC,
 * dropped and truncated away on load; it is never fatal.
 *
 * Compaction rotates the log first (`.log` → `.old`, synchronously), so appends that arrive while
 * the snapshot is written go to a fresh log and are never lost; the `.old` file is deleted only
 * after the new snapshot is durable. Loading applies snapshot, `.old`, then `.log`; Yjs updates
 * are idempotent, so a crash between any two steps only replays what is already there.
 */
import fs from 'node:fs'
import path from 'node:path'
import { crc32 } from 'node:zlib'

const HEADER_BYTES = 8
/** Refuse to read a record longer than this: a corrupt length must not allocate gigabytes. */
const MAX_RECORD_BYTES = 256 * 1024 * 1024

/** Encodes one log record. */
export function encodeRecord(payload: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_BYTES + payload.length)
  buf.writeUInt32LE(payload.length, 0)
  buf.writeUInt32LE(crc32(payload), 4)
  buf.set(payload, HEADER_BYTES)
  return buf
}

/**
 * Decodes every whole, intact record of a log file's bytes. `validBytes` is where the intact
 * prefix ends; anything after it is a torn or corrupt tail.
 */
export function decodeRecords(bytes: Uint8Array): { records: Uint8Array[]; validBytes: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const records: Uint8Array[] = []
  let offset = 0
  while (offset + HEADER_BYTES <= buf.length) {
    const length = buf.readUInt32LE(offset)
    const sum = buf.readUInt32LE(offset + 4)
    const end = offset + HEADER_BYTES + length
    if (length > MAX_RECORD_BYTES || end > buf.length) break
    const payload = buf.subarray(offset + HEADER_BYTES, end)
    if (crc32(payload) !== sum) break
    records.push(payload)
    offset = end
  }
  return { records, validBytes: offset }
}

/** What a room needs from its storage; the memory store keeps nothing. */
export interface RoomStorage {
  /** Reads every stored update, oldest first, repairing a torn tail. */
  load(): Uint8Array[]
  /** Appends one update durably (against process death) before it is relayed. */
  append(update: Uint8Array): void
  /** Replaces snapshot and log with `state`, the full state encoded by the caller. */
  compact(state: Uint8Array): Promise<void>
  /** Writes a first snapshot for a new room (task creation). */
  writeInitial(state: Uint8Array): void
  /** Bytes appended since the last compaction. */
  readonly logBytes: number
  readonly snapshotBytes: number
  close(): void
}

/** Called when a torn tail was dropped, so the owner can log it with the room's name. */
export type OnRepair = (file: string, droppedBytes: number) => void

/** The disk storage of one room, under `dir` with the file stem `stem`. */
export class UpdateLog implements RoomStorage {
  private readonly snapPath: string
  private readonly logPath: string
  private readonly oldPath: string
  private fd: number | null = null
  logBytes = 0
  snapshotBytes = 0

  constructor(
    dir: string,
    stem: string,
    private readonly onRepair: OnRepair = () => {},
  ) {
    this.snapPath = path.join(dir, `${stem}.snap`)
    this.logPath = path.join(dir, `${stem}.log`)
    this.oldPath = path.join(dir, `${stem}.old`)
  }

  load(): Uint8Array[] {
    const updates: Uint8Array[] = []
    for (const file of [this.snapPath, this.oldPath, this.logPath]) {
      let bytes: Buffer
      try {
        bytes = fs.readFileSync(file)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      const { records, validBytes } = decodeRecords(bytes)
      if (validBytes < bytes.length) {
        this.onRepair(file, bytes.length - validBytes)
        fs.truncateSync(file, validBytes)
      }
      if (file === this.snapPath) this.snapshotBytes = validBytes
      if (file === this.logPath) this.logBytes = validBytes
      updates.push(...records)
    }
    return updates
  }

  append(update: Uint8Array): void {
    if (this.fd === null) this.fd = this.openLog()
    const record = encodeRecord(update)
    fs.writeSync(this.fd, record)
    this.logBytes += record.length
  }

  async compact(state: Uint8Array): Promise<void> {
    // Rotate synchronously: from here on, appends go to a fresh log.
    this.closeFd()
    if (fs.existsSync(this.logPath)) {
      if (fs.existsSync(this.oldPath)) {
        // A previous compaction failed after rotating; fold its leftovers into the new old file.
        fs.appendFileSync(this.oldPath, fs.readFileSync(this.logPath))
        fs.rmSync(this.logPath)
      } else {
        fs.renameSync(this.logPath, this.oldPath)
      }
    }
    this.logBytes = 0
    await this.writeSnapshot(state)
    await fs.promises.rm(this.oldPath, { force: true })
  }

  writeInitial(state: Uint8Array): void {
    fs.mkdirSync(path.dirname(this.snapPath), { recursive: true })
    const tmp = `${this.snapPath}.tmp`
    fs.writeFileSync(tmp, encodeRecord(state))
    fs.renameSync(tmp, this.snapPath)
    this.snapshotBytes = state.length + HEADER_BYTES
  }

  close(): void {
    this.closeFd()
  }

  private async writeSnapshot(state: Uint8Array): Promise<void> {
    const tmp = `${this.snapPath}.tmp`
    const handle = await fs.promises.open(tmp, 'w', 0o600)
    try {
      await handle.writeFile(encodeRecord(state))
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.promises.rename(tmp, this.snapPath)
    this.snapshotBytes = state.length + HEADER_BYTES
  }

  private openLog(): number {
    fs.mkdirSync(path.dirname(this.logPath), { recursive: true })
    return fs.openSync(this.logPath, 'a', 0o600)
  }

  private closeFd(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd)
      this.fd = null
    }
  }
}
