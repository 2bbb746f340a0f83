/** Runs the `codejury` command in-process with its output captured and a controlled environment. */
import { runCli } from '../../cli/cli'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs one invocation; `env` defaults to empty, so the developer's own CODEJURY_* never leak in,
 * and `cwd` to the test process's.
 */
export async function runCliCaptured(argv: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  })
  return { code, stdout, stderr }
}

/** The arguments that point a command at `server` with `token` (the lead's unless given). */
export function against(server: { url: string; leadToken: string }, token = server.leadToken): string[] {
  return ['--url', server.url, '--token', token]
}
