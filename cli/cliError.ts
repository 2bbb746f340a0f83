/** CLI failures: an expected problem the user can fix, printed as one line without a stack. */

/** Exit codes: 1 when the server refused or the operation failed, 2 for usage and setup. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * Thrown anywhere in a command for an outcome the user must read (server down, no token, a
 * refused request). `runCli` prints `codejury: <message>` and returns `exitCode`; anything else
 * that escapes a command is a bug.
 */
export class CliError extends Error {
  readonly exitCode: ExitCode
  /** Extra lines printed after the message, such as usage. */
  readonly details?: string
  constructor(message: string, exitCode: ExitCode = ExitCode.failed, details?: string) {
    super(message)
    this.name = 'CliError'
    this.exitCode = exitCode
    this.details = details
  }
}
