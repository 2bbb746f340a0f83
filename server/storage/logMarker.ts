/**
 * A room log's high-water mark: how many bytes of whole records the logs after a snapshot were
 * seen to hold. A log shorter than its mark lost records at its end, which a log cut exactly
 * between two records cannot show by itself (every record left is whole and checks out).
 */
import fs from 'node:fs'
import { crc32 } from 'node:zlib'
import { FILE_MODE } from './durableFile'
import { HEADER_BYTES } from './recordCodec'

/** `"CJM1"`, then the snapshot's 8-byte record header, the byte count (u64) and a CRC-32. */
const MAGIC = 0x314d4a43
export const MARK_BYTES = 4 + HEADER_BYTES + 8 + 4

/** What a mark says. */
export interface LogMark {
  /**
   * The record header (`[length][crc32]`) of the snapshot the logs follow, all zeros when there
   * is none: a mark is only compared with the logs of that same snapshot.
   */
  snapshot: Uint8Array
  /** Bytes of whole records in `.old` and `.log` together, as last appended. */
  bytes: number
}

/** The header a snapshot file holding `payload` starts with. */
export function snapshotHeader(payload: Uint8Array | null): Buffer {
  const header = Buffer.alloc(HEADER_BYTES)
  if (payload) {
    header.writeUInt32LE(payload.length, 0)
    header.writeUInt32LE(crc32(payload), 4)
  }
  return header
}

/**
 * The mark file of one room. It is rewritten in place (one 24-byte `pwrite` after each append,
 * never fsynced), so it costs no fsync per edit: it is as durable as the appends themselves,
 * which survive a `kill -9`. A mark that is missing, torn or of another snapshot says nothing,
 * so rooms stored before marks existed load as before. A mark that cannot be written is left
 * behind, never an error: it can only be lower than the log, which is never taken for a loss.
 */
export class LogMarker {
  private fd: number | null = null
  private readonly buf = Buffer.alloc(MARK_BYTES)

  constructor(readonly file: string) {}

  /** The mark, or null when there is none or it does not check out. */
  read(): LogMark | null {
    let bytes: Buffer
    try {
      bytes = fs.readFileSync(this.file)
    } catch {
      return null
    }
    if (bytes.length !== MARK_BYTES || bytes.readUInt32LE(0) !== MAGIC) return null
    if (crc32(bytes.subarray(0, MARK_BYTES - 4)) !== bytes.readUInt32LE(MARK_BYTES - 4)) return null
    const count = bytes.readBigUInt64LE(4 + HEADER_BYTES)
    if (count > BigInt(Number.MAX_SAFE_INTEGER)) return null
    return { snapshot: Uint8Array.from(bytes.subarray(4, 4 + HEADER_BYTES)), bytes: Number(count) }
  }

  /** Records `mark`; false when it could not (the old mark, lower or of another snapshot, stays). */
  write(mark: LogMark): boolean {
    const b = this.buf
    b.writeUInt32LE(MAGIC, 0)
    b.set(mark.snapshot, 4)
    b.writeBigUInt64LE(BigInt(mark.bytes), 4 + HEADER_BYTES)
    b.writeUInt32LE(crc32(b.subarray(0, MARK_BYTES - 4)), MARK_BYTES - 4)
    try {
      if (this.fd === null) this.fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, FILE_MODE)
      return fs.writeSync(this.fd, b, 0, MARK_BYTES, 0) === MARK_BYTES
    } catch {
      this.close()
      return false
    }
  }

  close(): void {
    if (this.fd === null) return
    try {
      fs.closeSync(this.fd)
    } catch {
      // already closed
    }
    this.fd = null
  }
}
