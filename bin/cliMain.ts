/** The `codejury` process: prints its version, or runs one command and exits with its code. */
import pkg from '../package.json' with { type: 'json' }
import { runCli } from '../server/cli.ts'

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`codejury ${pkg.version}\n`)
} else {
  process.exitCode = await runCli(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() })
}
