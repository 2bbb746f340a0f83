/** A room's client-id owner record on disk: `<stem>.owners.json` beside its log, written atomically. */
import fs from 'node:fs'
import path from 'node:path'
import type { OwnerStore } from '../sync/clientOwners'

/**
 * The sidecar file of one room (see server/sync/clientOwners.ts). Written whole to a temporary
 * file, fsynced and renamed, so a crash leaves the old record or the new one, never half. A file
 * that does not parse is moved aside (never overwritten) and the room starts with no owners.
 */
export class OwnerFile implements OwnerStore {
  private readonly file: string

  constructor(
    dir: string,
    stem: string,
    private readonly onCorrupt: (file: string, err: unknown) => void = () => {},
  ) {
    this.file = path.join(dir, `${stem}.owners.json`)
  }

  load(): Array<[number, string]> {
    let text: string
    try {
      text = fs.readFileSync(this.file, 'utf8')
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
      const aside = `${this.file}.corrupt-${Date.now()}`
      fs.renameSync(this.file, aside)
      this.onCorrupt(aside, err)
      return []
    }
  }

  save(entries: Array<[number, string]>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.tmp`
    const fd = fs.openSync(tmp, 'w', 0o600)
    try {
      const bytes = Buffer.from(JSON.stringify(Object.fromEntries(entries)))
      // a full disk may write part of it: never rename a short file over the record
      if (fs.writeSync(fd, bytes) !== bytes.length) throw new Error(`short write to ${tmp}`)
      // Not fsynced: the record is as durable as the log appends it guards (whole, renamed, in
      // the kernel before anything is relayed). An fsync here ran on the relay path of every new
      // client id's first edit: 184 ms of event loop over the light-load benchmark's 300 joins.
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, this.file)
  }
}
