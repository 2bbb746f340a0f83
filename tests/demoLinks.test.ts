/** `npm start` prints the saved demo sign-in links that still sign in, and says which were rotated. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { tempDir } from './helpers/server'
import { spawnServer } from './helpers/child'
import type { ChildServer } from './helpers/child'

const test = suite('demo links')
let dir = ''
let children: ChildServer[] = []
test.before.each(() => {
  dir = tempDir('codejury-demo-links-')
})
test.after.each(async () => {
  for (const c of children) {
    if (c.proc.exitCode === null) {
      c.proc.kill('SIGKILL')
      await c.exited
    }
  }
  children = []
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Starts the real server on `dir` with the demo seeded on first start. */
async function start(): Promise<ChildServer> {
  const c = await spawnServer(dir, { SEED_DEMO: '1' })
  children.push(c)
  return c
}

async function stop(c: ChildServer): Promise<void> {
  c.proc.kill('SIGTERM')
  assert.is(await c.exited, 0)
}

/** The printed "sign in as NAME (ROLE):  URL" lines, as name → token. */
function printedLinks(c: ChildServer): Map<string, string> {
  const links = new Map<string, string>()
  for (const m of c.output().matchAll(/^sign in as (.+?)(?: \((\w+)\))?: {2}(\S+)\/signin\/(\S+)$/gm)) links.set(m[1], m[4])
  return links
}

/** The HTTP status a token gets from the API: 200 while it signs in, 401 once it does not. */
async function statusOf(c: ChildServer, token: string): Promise<number> {
  const res = await fetch(`${c.url}/api/tasks?limit=1`, { headers: { authorization: `Bearer ${token}` } })
  await res.arrayBuffer()
  return res.status
}

async function usersOf(c: ChildServer): Promise<{ id: string; name: string; role: string }[]> {
  const res = await fetch(`${c.url}/api/users`, { headers: { authorization: `Bearer ${c.leadToken}` } })
  return ((await res.json()) as { users: { id: string; name: string; role: string }[] }).users
}

async function rotate(c: ChildServer, id: string): Promise<string> {
  const res = await fetch(`${c.url}/api/users/${id}/token`, { method: 'POST', headers: { authorization: `Bearer ${c.leadToken}` } })
  assert.is(res.status, 200)
  return ((await res.json()) as { token: string }).token
}

test('prints only links that still sign in after a restart, and names a rotated user with how to get a new link', async () => {
  const first = await start()
  const seeded = printedLinks(first)
  assert.equal([...seeded.keys()], ['the lead', 'Ada', 'Grace', 'Linus'])
  for (const [name, token] of seeded) assert.is(await statusOf(first, token), 200, `${name}'s first link signs in`)
  const ada = (await usersOf(first)).find((u) => u.name === 'Ada')!
  const adaNew = await rotate(first, ada.id)
  assert.is(await statusOf(first, seeded.get('Ada')!), 401, 'the old link no longer signs in')
  assert.is(await statusOf(first, adaNew), 200)
  await stop(first)

  const second = await start()
  const printed = printedLinks(second)
  assert.equal([...printed.keys()], ['the lead', 'Grace', 'Linus'], 'Ada has no link')
  assert.not.ok(second.output().includes(seeded.get('Ada')!), 'the old token is printed nowhere')
  assert.match(second.output(), new RegExp(`^Ada \\(annotator\\): token rotated .*npx codejury users rotate ${ada.id}$`, 'm'))
  for (const [name, token] of printed) assert.is(await statusOf(second, token), 200, `${name}'s printed link signs in`)
  assert.is(await statusOf(second, adaNew), 200, 'the rotated link still works across the restart')
  await stop(second)
  const saved = JSON.parse(fs.readFileSync(path.join(dir, 'demo-tokens.json'), 'utf8')) as { id?: string; name: string }[]
  assert.is(saved.find((l) => l.name === 'Ada')?.id, ada.id, 'the saved links name their users')
})

test('matches links saved without user ids by name and role, and says when the lead token was rotated', async () => {
  const first = await start()
  const seeded = printedLinks(first)
  const users = await usersOf(first)
  const grace = users.find((u) => u.name === 'Grace')!
  const lead = users.find((u) => u.role === 'lead')!
  await rotate(first, grace.id)
  const leadNew = await rotate(first, lead.id)
  await stop(first)
  // A file from before links kept their user's id.
  const file = path.join(dir, 'demo-tokens.json')
  const old = (JSON.parse(fs.readFileSync(file, 'utf8')) as { id?: string }[]).map(({ id: _id, ...rest }) => rest)
  fs.writeFileSync(file, JSON.stringify(old))

  const second = await start()
  const printed = printedLinks(second)
  assert.equal([...printed.keys()], ['Ada', 'Linus'], 'neither the lead nor Grace has a link')
  assert.equal([printed.get('Ada'), printed.get('Linus')], [seeded.get('Ada'), seeded.get('Linus')], 'the others as before')
  assert.match(second.output(), new RegExp(`^Grace \\(annotator\\): token rotated .*npx codejury users rotate ${grace.id}$`, 'm'))
  assert.match(second.output(), /^the lead's token in .*lead-token no longer signs in \(rotated\)/m)
  assert.not.ok(second.output().includes(seeded.get('the lead')!), 'the old lead token is printed nowhere')
  assert.is(await statusOf(second, leadNew), 200, 'the control: the new lead token signs in')
  await stop(second)
})

test.run()
