/** The `codejury` process: prints its version, or runs one command and exits with its code. */
import pkg from '../package.json' with { type: 'json' }
import { runCli } from '../cli/cli.ts'

// A reader that stops early (`codejury users list | head -1`) closes the pipe: that ends the
// command quietly, it is not a crash with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0)
  })
}

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`codejury ${pkg.version}\n`)
} else {
  process.exitCode = await runCli(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() })
}
