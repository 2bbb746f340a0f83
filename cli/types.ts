/** The shapes every CLI command shares: its I/O, its parsed arguments and its description. */
import type { ParseArgsConfig } from 'node:util'
import type { ApiClient } from './apiClient'

/** Where the CLI reads and writes; `process` in the bin, string buffers in tests. */
export interface CliIO {
  stdout: { write(chunk: string): unknown }
  stderr: { write(chunk: string): unknown }
  env: Record<string, string | undefined>
  cwd: string
}

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>

/** What a command gets once its arguments parsed: positionals after the command words. */
export interface CommandContext {
  io: CliIO
  args: string[]
  values: Record<string, string | boolean | undefined>
  json: boolean
  /** The server's base URL, without a trailing slash. */
  url: string
  api: ApiClient
  out(text: string): void
  err(text: string): void
}

/** One command: its words (`['users', 'add']`), options, help text and body. */
export interface Command {
  words: string[]
  summary: string
  /** The help text after the usage line. */
  help: string
  usage: string
  options: OptionSpecs
  /** How many positionals the command takes after its words. */
  positionals: { min: number; max: number }
  run(ctx: CommandContext): Promise<number>
}
