/** The `codejury` command against a real server: users, import, status and its error messages. */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runCliCaptured } from './helpers/cli'
import type { CliRun } from './helpers/cli'
import { api, createUser, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'

const BIN = fileURLToPath(new URL('../bin/codejury.js', import.meta.url))

type Captured = CliRun
const cli = runCliCaptured

/** A port that nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function assertNoStack(r: Captured) {
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace')
  assert.not.match(r.stderr, /Error:/, 'no raw error name')
}

const ctx = { server: undefined as TestServer | undefined, dirs: [] as string[] }
const asLead = () => ['--url', ctx.server!.url, '--token', ctx.server!.leadToken]
function dir(): string {
  const d = tempDir('codejury-cli-')
  ctx.dirs.push(d)
  return d
}

const users = suite('cli users')
users.before(async () => {
  ctx.server = await startServer()
})
users.after(async () => {
  await ctx.server?.stop()
  for (const d of ctx.dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

users('adds a user and prints a token that really signs them in', async () => {
  const r = await cli(['users', 'add', 'Ada Lovelace', '--role', 'annotator', ...asLead()])
  assert.is(r.code, 0, r.stderr)
  const fields = Object.fromEntries(
    r.stdout.trim().split('\n').map((l) => l.split(/\s{2,}/) as [string, string]),
  )
  assert.is(fields.name, 'Ada Lovelace')
  assert.is(fields.role, 'annotator')
  assert.ok(fields.id)
  assert.is(fields['sign-in'], `${ctx.server!.url}/signin/${fields.token}`)
  const me = await api(ctx.server!, fields.token, 'GET', '/api/me')
  assert.is(me.status, 200)
  assert.is(me.body.id, fields.id)
  assert.is(me.body.name, 'Ada Lovelace')
  assert.is(me.body.role, 'annotator')
})

users('prints the created user as JSON with --json', async () => {
  const r = await cli(['users', 'add', 'Grace', '--role', 'reviewer', '--json', ...asLead()])
  assert.is(r.code, 0, r.stderr)
  const body = JSON.parse(r.stdout)
  assert.is(body.role, 'reviewer')
  assert.is(body.signinUrl, `${ctx.server!.url}/signin/${body.token}`)
  const me = await api(ctx.server!, body.token, 'GET', '/api/me')
  assert.is(me.body.role, 'reviewer')
})

users('lists users as a table and as JSON', async () => {
  const added = await cli(['users', 'add', 'Linus', '--role', 'lead', '--json', ...asLead()])
  const { id } = JSON.parse(added.stdout)
  const table = await cli(['users', 'list', ...asLead()])
  assert.is(table.code, 0, table.stderr)
  const [header, ...rows] = table.stdout.trim().split('\n')
  assert.match(header, /^ID\s+NAME\s+ROLE\s+CREATED$/)
  const row = rows.find((l) => l.startsWith(id))
  assert.ok(row, 'the new user is listed')
  assert.match(row!, /\bLinus\s+lead\b/)
  const json = await cli(['--json', 'users', 'list', ...asLead()])
  const listed = JSON.parse(json.stdout).users as { id: string; name: string }[]
  assert.ok(listed.some((u) => u.id === id && u.name === 'Linus'))
  assert.ok(listed.some((u) => u.name === 'Ada Lovelace'))
})

users('rejects an unknown role before calling the server', async () => {
  const r = await cli(['users', 'add', 'Eve', '--role', 'boss', ...asLead()])
  assert.is(r.code, 2)
  assert.match(r.stderr, /role: must be one of annotator, lead, reviewer/)
  assertNoStack(r)
})

users('reads the lead token from DATA_DIR/lead-token and the URL from CODEJURY_URL', async () => {
  const r = await cli(['users', 'list'], {
    env: { CODEJURY_URL: ctx.server!.url, DATA_DIR: ctx.server!.dataDir },
    cwd: dir(),
  })
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, /Ada Lovelace/)
})

users("says the token is not a lead's when the server answers 401 or 403", async () => {
  const annotator = await createUser(ctx.server!, 'Barbara', 'annotator')
  const url = ctx.server!.url
  const forbidden = await cli(['users', 'list', '--token', annotator.token, '--url', url])
  assert.is(forbidden.code, 1)
  assert.match(forbidden.stderr, /^codejury: the token from --token is not a lead's token/)
  assert.match(forbidden.stderr, /403/)
  assertNoStack(forbidden)
  const unknown = await cli(['users', 'list', '--url', ctx.server!.url], {
    env: { CODEJURY_TOKEN: 'not-a-real-token' },
  })
  assert.is(unknown.code, 1)
  assert.match(unknown.stderr, /the token from CODEJURY_TOKEN is not a lead's token/)
  assert.match(unknown.stderr, /401/)
  assertNoStack(unknown)
})

users('accepts a token that starts with a dash', async () => {
  // base64url tokens can start with '-', which parseArgs alone refuses as ambiguous.
  const r = await cli(['users', 'list', '--url', ctx.server!.url, '--token', '-abc'])
  assert.is(r.code, 1)
  assert.match(r.stderr, /the token from --token is not a lead's token: .*401/)
})

users.run()

const imports = suite('cli import')
imports.before(async () => {
  ctx.server = await startServer()
})
imports.after(async () => {
  await ctx.server?.stop()
  for (const d of ctx.dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

async function taskIds(): Promise<string[]> {
  const { url, leadToken } = ctx.server!
  const res = await api<{ tasks: { id: string }[] }>({ url }, leadToken, 'GET', '/api/tasks')
  return res.body.tasks.map((t) => t.id).sort()
}

imports('imports a good JSONL file and says how many tasks it imported', async () => {
  const cwd = dir()
  fs.writeFileSync(path.join(cwd, 'tasks.jsonl'), `${taskLine('t1')}\n${taskLine('t2')}\n`)
  const r = await cli(['import', 'tasks.jsonl', '--batch', 'week 1', ...asLead()], { cwd })
  assert.is(r.code, 0, r.stderr)
  assert.is(r.stdout.trim(), 'imported 2 tasks into a new blind batch "week 1"')
  assert.equal(await taskIds(), ['t1', 't2'])
  const task = await api(ctx.server!, ctx.server!.leadToken, 'GET', '/api/tasks/t1')
  assert.is(task.body.batch, 'week 1')
})

imports('prints the server response with --json', async () => {
  const cwd = dir()
  fs.writeFileSync(path.join(cwd, 'more.jsonl'), `${taskLine('t3')}\n`)
  const r = await cli(['import', 'more.jsonl', '--batch', 'week 1', '--json', ...asLead()], { cwd })
  assert.is(r.code, 0, r.stderr)
  assert.equal(JSON.parse(r.stdout), { batch: 'week 1', batchCreated: false, blind: true, imported: 1, ids: ['t3'], skipped: 0, skippedIds: [] })
  fs.writeFileSync(path.join(cwd, 'open.jsonl'), `${taskLine('t4')}\n`)
  const open = await cli(['import', 'open.jsonl', '--batch', 'open one', '--open-label', ...asLead()], { cwd })
  assert.is(open.stdout.trim(), 'imported 1 task into a new open-label batch "open one"')
})

imports('lists every bad line of a rejected file and imports nothing', async () => {
  const before = await taskIds()
  const cwd = dir()
  const lines = [
    taskLine('good-1'),
    '{"id": "broken",',
    JSON.stringify({ id: 'no-candidates', prompt: 'x', language: 'python', candidates: [] }),
    taskLine('good-2'),
  ]
  fs.writeFileSync(path.join(cwd, 'bad.jsonl'), lines.join('\n') + '\n')
  const r = await cli(['import', 'bad.jsonl', '--batch', 'week 2', ...asLead()], { cwd })
  assert.is(r.code, 1)
  assert.is(r.stdout, '')
  const errorLines = r.stderr.trim().split('\n').slice(1)
  assert.ok(errorLines.length >= 2, r.stderr)
  assert.ok(errorLines.every((l) => /^line \d+: \S/.test(l)), r.stderr)
  assert.match(r.stderr, /^line 2: invalid JSON/m)
  assert.match(r.stderr, /^line 3: candidates: expected at least 2 items/m)
  assert.not.match(r.stderr, /^line [14]:/m)
  assertNoStack(r)
  assert.equal(await taskIds(), before, 'nothing was imported')
})

imports('explains a missing file and a missing --batch', async () => {
  const missing = await cli(['import', 'nope.jsonl', '--batch', 'b', ...asLead()], { cwd: dir() })
  assert.is(missing.code, 1)
  assert.is(missing.stderr, 'codejury: cannot read nope.jsonl: no such file\n')
  const noBatch = await cli(['import', 'nope.jsonl', ...asLead()])
  assert.is(noBatch.code, 2)
  assert.match(noBatch.stderr, /^codejury: import needs --batch NAME\nusage: codejury import FILE/)
})

imports.run()

const status = suite('cli status')
status.before(async () => {
  ctx.server = await startServer({ seedDemo: true })
})
status.after(async () => {
  await ctx.server?.stop()
  for (const d of ctx.dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

status('reports health, tasks per status and batch, and the user count', async () => {
  const tasks = await api(ctx.server!, ctx.server!.leadToken, 'GET', '/api/tasks')
  const userList = await api(ctx.server!, ctx.server!.leadToken, 'GET', '/api/users')
  const total = tasks.body.tasks.length
  assert.ok(total >= 8, 'the demo is seeded')

  const json = await cli(['status', '--json', ...asLead()])
  assert.is(json.code, 0, json.stderr)
  const body = JSON.parse(json.stdout)
  assert.is(body.ok, true)
  assert.is(body.url, ctx.server!.url)
  assert.is(body.users, userList.body.users.length)
  assert.is(body.tasks, total)
  assert.is(body.byBatch.demo, total)
  const counts = Object.values(body.byStatus as Record<string, number>)
  assert.is(counts.reduce((a, b) => a + b, 0), total)
  assert.ok('finalized' in body.byStatus, 'every status is listed, zeros included')

  const text = await cli(['status', ...asLead()])
  assert.is(text.code, 0, text.stderr)
  assert.match(text.stdout, new RegExp(`^server\\s+${ctx.server!.url} \\(ok\\)$`, 'm'))
  assert.match(text.stdout, new RegExp(`^users\\s+${userList.body.users.length}$`, 'm'))
  assert.match(text.stdout, new RegExp(`^tasks\\s+${total}$`, 'm'))
  assert.match(text.stdout, new RegExp(`^demo\\s+${total}$`, 'm'))
})

status('explains an unreachable server with exit code 2 and no stack trace', async () => {
  const url = `http://127.0.0.1:${await closedPort()}`
  for (const argv of [['status'], ['users', 'list'], ['import', 'x.jsonl', '--batch', 'b']]) {
    const cwd = dir()
    fs.writeFileSync(path.join(cwd, 'x.jsonl'), taskLine('x'))
    const r = await cli([...argv, '--url', url, '--token', 'whatever'], { cwd })
    assert.is(r.code, 2, argv.join(' '))
    assert.is(
      r.stderr,
      `codejury: cannot reach the server at ${url} (is it running? start it with npm start)\n`,
    )
  }
})

status('says where it looked when there is no token', async () => {
  const cwd = dir()
  const r = await cli(['users', 'list', '--url', ctx.server!.url], { cwd })
  assert.is(r.code, 2)
  assert.match(r.stderr, /^codejury: no lead token found/)
  assert.ok(r.stderr.includes(path.join(cwd, 'data', 'lead-token')), r.stderr)
  assert.match(r.stderr, /--token/)
  assert.match(r.stderr, /CODEJURY_TOKEN/)
  const custom = await cli(['status', '--url', ctx.server!.url], { cwd, env: { DATA_DIR: 'srv' } })
  assert.ok(custom.stderr.includes(path.join(cwd, 'srv', 'lead-token')), custom.stderr)
  assertNoStack(r)
})

status.run()

const usage = suite('cli usage')

usage('prints usage and exits 2 for an unknown command or no command', async () => {
  const unknown = await cli(['frobnicate'])
  assert.is(unknown.code, 2)
  assert.match(unknown.stderr, /^codejury: unknown command "frobnicate"/)
  assert.match(unknown.stderr, /codejury users add NAME/)
  const none = await cli([])
  assert.is(none.code, 2)
  assert.match(none.stderr, /Commands:/)
})

usage('prints help for each command on stdout with exit code 0', async () => {
  for (const [argv, expected] of [
    [['--help'], /codejury import FILE --batch NAME/],
    [['users', 'add', '--help'], /^usage: codejury users add NAME/],
    [['users', 'list', '-h'], /^usage: codejury users list/],
    [['help', 'import'], /^usage: codejury import FILE --batch NAME/],
    [['status', '--help'], /^usage: codejury status/],
    [['users', '--help'], /codejury users list/],
  ] as const) {
    const r = await cli([...argv])
    assert.is(r.code, 0, argv.join(' '))
    assert.match(r.stdout, expected)
    assert.is(r.stderr, '')
  }
})

usage('rejects unknown options and extra arguments with exit code 2', async () => {
  const option = await cli(['status', '--batch', 'x'])
  assert.is(option.code, 2)
  assert.match(option.stderr, /^codejury: status: Unknown option '--batch'/)
  const extra = await cli(['users', 'list', 'everyone'])
  assert.is(extra.code, 2)
  assert.match(extra.stderr, /unexpected argument "everyone"/)
  assertNoStack(option)
})

usage('runs as the bin/codejury.js executable', async () => {
  fs.accessSync(BIN, fs.constants.X_OK)
  const r = await new Promise<Captured>((resolve) => {
    execFile(BIN, ['import', '--help'], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr })
    })
  })
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, /^usage: codejury import FILE --batch NAME/)
  const bad = await new Promise<Captured>((resolve) => {
    execFile(process.execPath, [BIN, 'frobnicate'], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr })
    })
  })
  assert.is(bad.code, 2, 'the bin sets the exit code')
  assert.match(bad.stderr, /unknown command "frobnicate"/)
})

usage.run()
