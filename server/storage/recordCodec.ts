/** The record format of room files: `[u32 length][u32 crc32][payload]`, little-endian. */
import { crc32 } from 'node:zlib'

/** Bytes before each payload: its length and its CRC-32. */
export const HEADER_BYTES = 8
/** Refuse to read a record longer than this: a corrupt length must not allocate gigabytes. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024

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
