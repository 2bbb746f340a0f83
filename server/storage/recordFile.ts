/** A lowdb adapter for record files: damaged files are refused by name, writes are atomic and fsynced. */
import fs from 'node:fs'
import type { Adapter } from 'lowdb'
import { replaceFile } from './durableFile'

/**
 * A record file (users.json, batches.json, tasks/<id>.json) that cannot be used. The server
 * refuses to start on it rather than run without the users, batches or task it held, and
 * `server/main.ts` prints the message as one line. Nothing is changed on disk.
 */
export class RecordFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`cannot start: ${file} ${problem}. Nothing was changed: restore the file from a backup or repair it by hand.`)
    this.name = 'RecordFileError'
  }
}

/** Returns what is wrong with parsed file content, or null when it has the expected shape. */
export type ShapeCheck = (data: unknown) => string | null

/**
 * lowdb's `JSONFile` writes through a temporary file without fsync and with the default mode, and
 * reports a damaged file as a bare SyntaxError. This adapter writes a temporary file with mode
 * 0600, fsyncs it, renames it over the file and fsyncs the directory, throwing a StorageError
 * (the old file intact) when it cannot; and it names the file when reading finds it damaged.
 */
export class RecordFile<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly check: ShapeCheck,
  ) {}

  async read(): Promise<T | null> {
    let text: string
    try {
      text = await fs.promises.readFile(this.file, 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return null
      throw new RecordFileError(this.file, `cannot be read (${code ?? String(err)})`)
    }
    if (text.trim() === '') throw new RecordFileError(this.file, 'is empty (truncated?)')
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (err) {
      throw new RecordFileError(this.file, `is not valid JSON (${(err as Error).message}; truncated?)`)
    }
    const problem = this.check(data)
    if (problem) throw new RecordFileError(this.file, problem)
    return data as T
  }

  async write(data: T): Promise<void> {
    await replaceFile(this.file, JSON.stringify(data, null, 2))
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A check for `{ [key]: [ {...}, ... ] }` whose entries each have the listed string fields: enough
 * to refuse a file that parses but is not what the server wrote, without repeating the validators.
 */
export function listOf(key: string, fields: readonly string[]): ShapeCheck {
  return (data) => {
    if (!isObject(data) || !Array.isArray(data[key])) return `has no "${key}" list`
    const list = data[key] as unknown[]
    for (let i = 0; i < list.length; i++) {
      const entry = list[i]
      if (!isObject(entry)) return `has a "${key}" entry that is not an object (#${i + 1})`
      const missing = fields.find((f) => typeof entry[f] !== 'string')
      if (missing) return `has a "${key}" entry without a "${missing}" (#${i + 1})`
    }
    return null
  }
}

/** A check for one object with the listed string fields and array fields. */
export function objectWith(strings: readonly string[], arrays: readonly string[]): ShapeCheck {
  return (data) => {
    if (!isObject(data)) return 'does not hold an object'
    const missing = strings.find((f) => typeof data[f] !== 'string')
    if (missing) return `has no "${missing}"`
    const notList = arrays.find((f) => !Array.isArray(data[f]))
    return notList ? `has no "${notList}" list` : null
  }
}
