/**
 * A room's durable Yjs state: a snapshot plus an append-only log of updates.
 *
 * Records are `[u32 length][u32 crc32][payload]` (recordCodec.ts). Appends are synchronous writes
 * to an open descriptor, made before an update is relayed, so a `kill -9` at any moment loses
 * nothing that was relayed (the bytes are in the kernel once `writeSync` returns; snapshots are
 * fsynced). An append is whole or absent: a write that fails or comes up short is cut back to the
 * last whole record before a StorageError is thrown, so the room never relays it.
 *
 * Compaction rotates the log first (`.log` → `.old`, synchronously), so appends that arrive while
 * the snapshot is written go to a fresh log and are never lost. Once the new snapshot is durable,
 * the previous generation is kept: the old snapshot as `.snap.prev` and the log that led from it
 * to the new one as `.log.prev`, then the directory is fsynced. Loading applies snapshot, `.old`,
 * then `.log`; Yjs updates are idempotent, so a crash between any two steps only replays what is
 * already there. A damaged file is never truncated or overwritten: it is moved aside and the room
 * recovers from what verifiably remains (roomRecovery.ts), reporting what was lost. Each append
 * also moves the room's mark (logMarker.ts, `<stem>.mark`, no fsync), so logs that lost whole
 * records at their end, which read as intact, are reported too.
 */
import fs from 'node:fs'
import path from 'node:path'
import { decodeRecords, encodeRecord, HEADER_BYTES } from './recordCodec'
import { appendWholeSync, ensureDir, FILE_MODE, fsyncDir, replaceFileSync, writeAllSync, writeDurable } from './durableFile'
import { Damage, readIfExists, readLogFile, readSnapshotFile, snapshotPayload } from './roomRecovery'
import { LogMarker, snapshotHeader } from './logMarker'
import type { OnCorruption } from './roomRecovery'
import { toStorageError } from './storageError'
import type { MaybePromise } from './maybeAsync'
import type { OwnerStore } from './ownerStore'

export { encodeRecord, decodeRecords } from './recordCodec'

/**
 * What a room needs from its storage; the memory store keeps nothing. The file and memory stores
 * answer at once; a store shared by several instances (sharedRoomStorage.ts) answers with
 * promises, and a room waits for them (maybeAsync.ts).
 */
export interface RoomStorage {
  /** Reads every stored update, oldest first, repairing a torn tail. */
  load(): MaybePromise<Uint8Array[]>
  /**
   * Appends one update durably (against process death) before it is relayed, or throws (rejects)
   * having stored none of it.
   */
  append(update: Uint8Array): MaybePromise<void>
  /** Replaces snapshot and log with `state`, the full state encoded by the caller. */
  compact(state: Uint8Array): Promise<void>
  /**
   * Writes a first snapshot for a new room (task creation). A shared store resolves false when
   * another instance wrote the room first: nothing was written, and a new `load()` reads theirs.
   */
  writeInitial(state: Uint8Array): MaybePromise<void | boolean>
  /**
   * After `load()`: nothing of this room was ever stored (no snapshot, log or previous
   * generation, nothing damaged). A task's room in that state is seeded from its task record.
   */
  readonly neverStored: boolean
  /**
   * What a load would return, read without repairing, marking or writing anything (a reader
   * that does not load the room); null when the files need the repair only a load makes.
   * `neverStored`: nothing of the room exists, as after `load()`.
   */
  peek(): MaybePromise<StoredUpdates | null>
  /**
   * Shared stores only: from now on, hands the room what other instances did in it. `committed`
   * gets every update they committed, in commit order, each once and after everything it depends
   * on (the room applies it without storing it again and relays it); `presence` gets their
   * clients' awareness updates.
   */
  follow?(from: RemoteChanges): void
  /**
   * Shared stores only: the room's client-id owners, claimed with the append that writes with
   * them (the separate owner file of the file store cannot hold across instances).
   */
  readonly ownerStore?: OwnerStore
  /** Shared stores only: applies everything the log holds that the room has not seen yet. */
  catchUp?(): Promise<void>
  /** Shared stores only: tells the other instances of this room's local presence changes. */
  publishPresence?(update: Uint8Array): void
  /** Bytes appended since the last compaction. */
  readonly logBytes: number
  readonly snapshotBytes: number
  close(): void
}


/** What other instances did in a shared room (RoomStorage.follow). */
export interface RemoteChanges {
  committed(update: Uint8Array): void
  presence(update: Uint8Array): void
  /** Another instance loaded the room and asks for this instance's connections' presence. */
  presenceQuery(): void
}

/** A room's stored updates as `peek` reads them. */
export interface StoredUpdates {
  updates: Uint8Array[]
  neverStored: boolean
}

/** The disk storage of one room, under `dir` with the file stem `stem`. */
export class UpdateLog implements RoomStorage {
  private readonly snapPath: string
  private readonly prevSnapPath: string
  private readonly logPath: string
  private readonly oldPath: string
  private readonly prevLogPath: string
  private fd: number | null = null
  /** A failed append could not be cut back; the next one cuts first. */
  private cutPending = false
  /** The length of `.log`: every byte of it is a whole record. */
  logBytes = 0
  /** The whole records in `.old` (a rotated log a compaction has not folded in yet). */
  private oldBytes = 0
  /** The header of the snapshot the logs follow (zeros: none); null until known, and no mark is written. */
  private snapHeader: Uint8Array | null = null
  private readonly marker: LogMarker
  snapshotBytes = 0
  neverStored = false

  constructor(
    private readonly dir: string,
    private readonly stem: string,
    private readonly onCorruption: OnCorruption = () => {},
  ) {
    this.snapPath = path.join(dir, `${stem}.snap`)
    this.prevSnapPath = `${this.snapPath}.prev`
    this.logPath = path.join(dir, `${stem}.log`)
    this.oldPath = path.join(dir, `${stem}.old`)
    this.prevLogPath = `${this.logPath}.prev`
    this.marker = new LogMarker(path.join(dir, `${stem}.mark`))
  }

  /**
   * Reads snapshot, `.old` and `.log`. A damaged snapshot is replaced by the previous generation
   * plus the log that followed it; a damaged log stops at its last intact record. Every damaged
   * file is reported with the files the state was rebuilt from.
   */
  load(): Uint8Array[] {
    const reports: Parameters<OnCorruption>[0][] = []
    const report: OnCorruption = (r) => reports.push(r)
    const sources: string[] = []
    const updates: Uint8Array[] = []
    const take = (file: string, records: Uint8Array[]) => {
      if (records.length) sources.push(file)
      updates.push(...records)
    }
    const mark = this.marker.read()
    try {
      const hadSnapshot = fs.existsSync(this.snapPath)
      const snap = readSnapshotFile(this.snapPath, report)
      if (snap) {
        take(this.snapPath, [snap.payload])
        this.snapshotBytes = snap.bytes
      } else if (hadSnapshot || fs.existsSync(this.prevSnapPath)) {
        // Damaged, or a crash between a compaction's renames: the previous generation plus the
        // log that led from it to the lost snapshot rebuild it.
        const prev = readSnapshotFile(this.prevSnapPath, report)
        if (prev) take(this.prevSnapPath, [prev.payload])
        take(this.prevLogPath, readLogFile(this.prevLogPath, report).records)
      }
      const old = readLogFile(this.oldPath, report)
      take(this.oldPath, old.records)
      const log = readLogFile(this.logPath, report)
      take(this.logPath, log.records)
      this.logBytes = log.bytes
      this.oldBytes = old.bytes
      this.snapHeader = snapshotHeader(snap?.payload ?? null)
      // Only a mark of this very snapshot is compared, and only when no file reported damage of
      // its own: the mark then says how much the logs held, and less means records were lost.
      const held = this.oldBytes + this.logBytes
      if (mark && reports.length === 0 && Buffer.from(mark.snapshot).equals(this.snapHeader) && held < mark.bytes) {
        report({ problem: Damage.lostLogTail, file: this.logPath, keptAs: null, lostBytes: mark.bytes - held })
      }
      // From here on the mark follows what the logs hold now.
      this.writeMark()
      this.neverStored = updates.length === 0 && reports.length === 0 && !this.anyFile()
    } finally {
      // Also when a later step failed: a file already moved aside is never left unreported.
      for (const r of reports) this.onCorruption({ ...r, recoveredFrom: sources })
    }
    return updates
  }

  peek(): StoredUpdates | null {
    const updates: Uint8Array[] = []
    const snap = readIfExists(this.snapPath)
    if (snap) {
      const payload = snapshotPayload(snap)
      if (!payload) return null
      updates.push(payload)
    } else if (fs.existsSync(this.prevSnapPath)) return null
    for (const file of [this.oldPath, this.logPath]) {
      const bytes = readIfExists(file)
      if (!bytes) continue
      const { records, validBytes } = decodeRecords(bytes)
      if (validBytes !== bytes.length) return null
      updates.push(...records)
    }
    return { updates, neverStored: updates.length === 0 && !this.anyFile() }
  }

  append(update: Uint8Array): void {
    const record = encodeRecord(update)
    try {
      if (this.fd === null) this.fd = this.openLog()
      if (this.cutPending) this.cutBack()
      writeAllSync(this.fd, record)
    } catch (err) {
      // A short or failed write may have left part of the record: cut back to the whole ones.
      if (this.fd !== null) {
        try {
          this.cutBack()
        } catch {
          this.cutPending = true
        }
      }
      throw toStorageError(err, this.logPath)
    }
    this.logBytes += record.length
    this.writeMark(true)
  }

  async compact(state: Uint8Array): Promise<void> {
    // Rotate synchronously: from here on, appends go to a fresh log.
    this.rotate()
    const tmp = `${this.snapPath}.tmp`
    await writeDurable(tmp, encodeRecord(state))
    try {
      const hadSnapshot = fs.existsSync(this.snapPath)
      if (hadSnapshot) fs.renameSync(this.snapPath, this.prevSnapPath)
      fs.renameSync(tmp, this.snapPath)
      this.snapshotBytes = state.length + HEADER_BYTES
      // The new snapshot holds everything up to the rotation: the mark now counts the fresh log.
      this.snapHeader = snapshotHeader(state)
      this.oldBytes = 0
      this.writeMark()
      if (fs.existsSync(this.oldPath)) {
        if (hadSnapshot) fs.renameSync(this.oldPath, this.prevLogPath)
        else {
          // The snapshot was lost and rebuilt: .log.prev must still lead from .snap.prev.
          appendWholeSync(this.prevLogPath, fs.readFileSync(this.oldPath))
          fs.rmSync(this.oldPath)
        }
      } else if (hadSnapshot) fs.rmSync(this.prevLogPath, { force: true })
    } catch (err) {
      throw toStorageError(err, this.snapPath)
    } finally {
      fs.rmSync(tmp, { force: true })
    }
    fsyncDir(this.dir)
  }

  writeInitial(state: Uint8Array): void {
    const created = !fs.existsSync(this.dir)
    ensureDir(this.dir)
    // A new room directory's own entry must survive a power cut too, not only the file in it.
    if (created) fsyncDir(path.dirname(this.dir))
    replaceFileSync(this.snapPath, encodeRecord(state))
    this.snapshotBytes = state.length + HEADER_BYTES
    this.snapHeader = snapshotHeader(state)
    this.writeMark()
  }

  close(): void {
    this.closeFd()
    this.marker.close()
  }

  /**
   * Moves the mark to what `.old` and `.log` hold now, once the snapshot they follow is known.
   * Appends keep its descriptor open beside the log's (closed with it); other writes close it,
   * so a room that is only loaded holds no descriptor.
   */
  private writeMark(keepOpen = false): void {
    if (this.snapHeader) this.marker.write({ snapshot: this.snapHeader, bytes: this.oldBytes + this.logBytes })
    if (!keepOpen) this.marker.close()
  }

  /**
   * Whether any file of this room exists: its snapshot, logs, previous generation, or a damaged
   * file kept aside (`<stem>.*.corrupt-*`). A room with only the latter was stored and lost
   * content; it is never taken for a new one (and seeded again).
   */
  private anyFile(): boolean {
    if ([this.snapPath, this.prevSnapPath, this.oldPath, this.logPath, this.prevLogPath].some((p) => fs.existsSync(p))) return true
    if (!fs.existsSync(this.dir)) return false
    return fs.readdirSync(this.dir).some((f) => f.startsWith(`${this.stem}.`) && f.includes('.corrupt-'))
  }

  /** Moves `.log` to `.old` (or onto its end, after a compaction that failed) and starts afresh. */
  private rotate(): void {
    this.closeFd()
    try {
      if (!fs.existsSync(this.logPath)) return
      if (fs.existsSync(this.oldPath)) {
        appendWholeSync(this.oldPath, fs.readFileSync(this.logPath))
        fs.rmSync(this.logPath)
      } else {
        fs.renameSync(this.logPath, this.oldPath)
        this.oldBytes = 0
      }
    } catch (err) {
      throw toStorageError(err, this.logPath)
    }
    this.oldBytes += this.logBytes
    this.logBytes = 0
  }

  private cutBack(): void {
    fs.ftruncateSync(this.fd!, this.logBytes)
    this.cutPending = false
  }

  private openLog(): number {
    ensureDir(this.dir)
    const fd = fs.openSync(this.logPath, 'a', FILE_MODE)
    // O_APPEND writes go to the end, so logBytes must be the file's length (whole records).
    this.logBytes = fs.fstatSync(fd).size
    return fd
  }

  private closeFd(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd)
      this.fd = null
    }
  }
}
