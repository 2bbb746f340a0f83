/** A room's client-id owner record on disk: `<stem>.owners.jsonl` beside its log, append-only. */
import fs from 'node:fs'
import path from 'node:path'
import type { OwnerStore } from './ownerStore'

/**
 * The sidecar record of one room (see server/sync/clientOwners.ts): one `[clientId, userId]` JSON
 * line per claim, appended before the update that makes it is relayed. Each new client id used to
 * rewrite the whole record through a temporary file and a rename: at a team's start (100 rooms,
 * 1,000 first edits) that was 842 ms of the event loop in `--cpu-prof`, most of it creating and
 * renaming files while the journal was busy; an append to an existing file is one write.
 * Appends are whole or absent: a write that fails (a full disk) is cut back to the last whole
 * line and the claim is refused; a torn last line left by a crash is cut back when the record is
 * next read. A complete line that does not parse means the file is not ours: it is moved aside
 * (never overwritten) and the room starts with no owners. The previous format, one
 * `<stem>.owners.json` object rewritten whole, is still read.
 */
export class OwnerFile implements OwnerStore {
  private readonly file: string
  private readonly legacy: string
  /** Bytes of the record that are whole lines. */
  private whole = 0

  constructor(
    dir: string,
    stem: string,
    private readonly onCorrupt: (file: string, err: unknown) => void = () => {},
  ) {
    this.file = path.join(dir, `${stem}.owners.jsonl`)
    this.legacy = path.join(dir, `${stem}.owners.json`)
  }

  load(): Array<[number, string]> {
    const entries = this.readLegacy()
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return entries
      throw err
    }
    const end = text.lastIndexOf('\n') + 1
    try {
      for (const line of text.slice(0, end).split('\n')) {
        if (!line) continue
        const entry: unknown = JSON.parse(line)
        if (!Array.isArray(entry) || !Number.isSafeInteger(entry[0]) || typeof entry[1] !== 'string') throw new Error('not a [clientId, userId] line')
        entries.push([entry[0] as number, entry[1] as string])
      }
    } catch (err) {
      this.moveAside(this.file, err)
      return this.readLegacy()
    }
    this.whole = Buffer.byteLength(text.slice(0, end))
    if (end < text.length) fs.truncateSync(this.file, this.whole) // a torn append of our own
    return entries
  }

  add(entries: Array<[number, string]>): void {
    const bytes = Buffer.from(entries.map((e) => `${JSON.stringify(e)}\n`).join(''))
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 })
      // Not fsynced: the record is as durable as the log appends it guards (in the kernel before
      // anything is relayed), and an fsync here would run on the relay path of each first edit.
      fs.appendFileSync(this.file, bytes, { mode: 0o600 })
    } catch (err) {
      // A full disk may have written part of it: cut back to the whole lines, then refuse.
      try {
        if (fs.existsSync(this.file)) fs.truncateSync(this.file, this.whole)
      } catch {
        // the next load cuts a torn tail
      }
      throw err
    }
    this.whole += bytes.length
  }

  /** The previous format's owners, or none; a damaged one is moved aside. */
  private readLegacy(): Array<[number, string]> {
    let text: string
    try {
      text = fs.readFileSync(this.legacy, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    try {
      const parsed: unknown = JSON.parse(text)
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object')
      const entries: Array<[number, string]> = []
      for (const [client, user] of Object.entries(parsed)) {
        const id = Number(client)
        if (Number.isSafeInteger(id) && typeof user === 'string') entries.push([id, user])
      }
      return entries
    } catch (err) {
      this.moveAside(this.legacy, err)
      return []
    }
  }

  private moveAside(file: string, err: unknown): void {
    const aside = `${file}.corrupt-${Date.now()}`
    fs.renameSync(file, aside)
    this.onCorrupt(aside, err)
  }
}
