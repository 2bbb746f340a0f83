/**
 * The engines a test server gets under CODEJURY_TEST_STORAGE=postgres (helpers/testEngines.ts):
 * one database, Redis prefix and record key per DATA_DIR, the same again on a restart, released
 * after. Called directly here, so this file checks them whatever the run's own storage is.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import fs from 'node:fs'
import path from 'node:path'
import { api, createUser, startServer, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import { enginesConfig, enginesStopped, releaseEngines } from './helpers/testEngines'
import { connectAdmin } from './helpers/postgres'
import { requireRedis, withClient } from './helpers/redis'

const test = suite('testEngines')
let dirs: string[] = []
let servers: TestServer[] = []

test.before.each(async () => {
  await requireRedis()
})

test.after.each(async () => {
  for (const s of servers) await s.running.stop()
  for (const dir of dirs) {
    await enginesStopped(dir)
    await releaseEngines(dir)
    fs.rmSync(dir, { recursive: true, force: true })
  }
  servers = []
  dirs = []
})

async function databaseExists(url: string): Promise<boolean> {
  const name = new URL(url).pathname.slice(1)
  const { client } = await connectAdmin()
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1
  } finally {
    await client.end()
  }
}

const keysUnder = (prefix: string) => withClient((c) => c.keys(`${prefix}*`))

/** A server on `dir`'s engines; the caller stops it and counts the stop. */
async function serverOn(dir: string): Promise<{ server: TestServer; config: Awaited<ReturnType<typeof enginesConfig>> }> {
  const config = await enginesConfig(dir)
  const server = await startServer({ dataDir: dir, config })
  return { server, config }
}

test('a DATA_DIR keeps its database, prefix and record key across a restart', async () => {
  const dir = tempDir()
  dirs.push(dir)
  const first = await serverOn(dir)
  const health = await api(first.server, null, 'GET', '/api/health')
  assert.is(health.body.database?.ok, true, 'the server is on PostgreSQL')
  const ann = await createUser(first.server, 'Ann', 'annotator')
  await first.server.running.stop()
  await enginesStopped(dir)

  const again = await serverOn(dir)
  servers.push(again.server)
  assert.equal(again.config.shared, first.config.shared, 'the same database and Redis prefix')
  assert.is(again.config.recordKeyFile, first.config.recordKeyFile, 'the same record key file')
  assert.ok(fs.existsSync(again.config.recordKeyFile!), 'the key file exists')
  assert.not.ok(again.config.recordKeyFile!.startsWith(dir), 'the key lives outside DATA_DIR')
  assert.is((await api(again.server, ann.token, 'GET', '/api/me')).status, 200, 'the user made before the restart signs in')
  assert.is((await api(again.server, 'not-a-token', 'GET', '/api/me')).status, 401, 'positive control: a wrong token does not')

  const other = tempDir()
  dirs.push(other)
  const elsewhere = await enginesConfig(other)
  assert.is.not(elsewhere.shared!.databaseUrl, first.config.shared!.databaseUrl, 'another DATA_DIR has a database of its own')
  assert.is.not(elsewhere.shared!.redisPrefix, first.config.shared!.redisPrefix, 'and a prefix of its own')
})

test('releasing drops the database and Redis keys, but not while a server still runs on them', async () => {
  const dir = tempDir()
  dirs.push(dir)
  const { server, config } = await serverOn(dir)
  const { databaseUrl, redisPrefix } = config.shared!
  await createUser(server, 'Ann', 'annotator')
  await releaseEngines(dir)
  assert.ok(await databaseExists(databaseUrl), 'kept while the server runs')
  assert.is((await api(server, server.leadToken, 'GET', '/api/me')).status, 200, 'and the server still answers')

  await server.running.stop()
  await enginesStopped(dir)
  assert.ok((await keysUnder(redisPrefix)).length > 0, 'positive control: the server wrote Redis keys')
  await releaseEngines(dir)
  assert.not.ok(await databaseExists(databaseUrl), 'dropped once released')
  assert.equal(await keysUnder(redisPrefix), [], 'its Redis keys are gone')
  assert.not.ok(fs.existsSync(path.dirname(config.recordKeyFile!)), 'its key directory is gone')
})

test('a directory a restart test removed is released at the next start', async () => {
  const dir = tempDir()
  const { server, config } = await serverOn(dir)
  await server.running.stop()
  await enginesStopped(dir)
  fs.rmSync(dir, { recursive: true, force: true })
  assert.ok(await databaseExists(config.shared!.databaseUrl), 'positive control: nothing released it yet')
  const next = tempDir()
  dirs.push(next)
  await enginesConfig(next)
  assert.not.ok(await databaseExists(config.shared!.databaseUrl), 'the next start swept it')
})

test.run()
