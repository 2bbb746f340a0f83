/** Import limits on task metadata: nesting depth and size, refused by line, never a 500. */
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { jsonDepth, MAX_METADATA_BYTES, MAX_METADATA_DEPTH } from '../shared/validation'
import { api, startServer, taskLine } from './helpers/server'
import type { TestServer } from './helpers/server'

const test = suite('import limits')
let server: TestServer
test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  await server.stop()
})

/** A task line carrying `metadataJson` verbatim (so nesting no serializer could produce fits). */
function withMetadata(id: string, metadataJson: string): string {
  return `${taskLine(id).slice(0, -1)},"metadata":${metadataJson}}`
}

/** `{"k":{"k":…1…}}` nested `depth` objects deep. */
function nested(depth: number): string {
  return '{"k":'.repeat(depth) + '1' + '}'.repeat(depth)
}

function postImport(body: string) {
  return api(server, server.leadToken, 'POST', '/api/tasks/import?batch=b', body, 'application/x-ndjson')
}

/** The ids of every task an import committed (each import writes one pack). */
function packedIds(): string[] {
  const dir = path.join(server.dataDir, 'task-packs')
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir).flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id))
}

test('counts nesting without recursion', () => {
  assert.is(jsonDepth(1, 8), 0)
  assert.is(jsonDepth({}, 8), 1)
  assert.is(jsonDepth({ a: [1, { b: [] }] }, 8), 4)
  assert.is(jsonDepth(JSON.parse(nested(200_000)), 8), 9, 'stops counting once past the limit')
})

test('refuses metadata nested deeper than 8 levels with its line number, and accepts 8', async () => {
  const bad = await postImport(`${taskLine('ok')}\n${withMetadata('deep', nested(MAX_METADATA_DEPTH + 1))}\n`)
  assert.is(bad.status, 400)
  assert.equal(bad.body.errors, [{ line: 2, message: `metadata: must nest at most ${MAX_METADATA_DEPTH} levels of objects and arrays` }])
  assert.equal(packedIds(), [], 'the valid line was not imported either')
  const good = await postImport(withMetadata('eight', nested(MAX_METADATA_DEPTH)))
  assert.is(good.status, 200)
  const task = await api(server, server.leadToken, 'GET', '/api/tasks/eight')
  assert.equal(task.body.metadata, JSON.parse(nested(MAX_METADATA_DEPTH)))
})

test('answers 400, never 500, to metadata nested 100,000 deep, and leaves no files behind', async () => {
  const deepObjects = withMetadata('objects', nested(100_000))
  const deepArrays = withMetadata('arrays', `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)
  const res = await postImport(`${deepObjects}\n${deepArrays}\n`)
  assert.is(res.status, 400)
  assert.equal(res.body.errors.map((e: any) => e.line), [1, 2])
  assert.equal(packedIds(), [])
  const imports = path.join(server.dataDir, 'imports')
  assert.equal(fs.existsSync(imports) ? fs.readdirSync(imports) : [], [])
  assert.is((await api(server, server.leadToken, 'GET', '/api/health')).status, 200, 'the server is fine')
  assert.is((await postImport(taskLine('after'))).status, 200, 'and imports the next good file')
  assert.equal(packedIds(), ['after'])
})

test('refuses metadata larger than 64 KB as JSON, and accepts it just under', async () => {
  const big = (bytes: number) => JSON.stringify({ notes: 'x'.repeat(bytes - '{"notes":""}'.length) })
  assert.is(big(MAX_METADATA_BYTES).length, MAX_METADATA_BYTES)
  const over = await postImport(withMetadata('big', big(MAX_METADATA_BYTES + 1)))
  assert.is(over.status, 400)
  assert.is(over.body.errors[0].line, 1)
  assert.match(over.body.errors[0].message, /^metadata: must be at most 64 KB as JSON/)
  const multibyte = await postImport(withMetadata('utf8', JSON.stringify({ notes: 'é'.repeat(MAX_METADATA_BYTES / 2) })))
  assert.is(multibyte.status, 400, 'bytes are counted, not characters')
  assert.is((await postImport(withMetadata('fits', big(MAX_METADATA_BYTES)))).status, 200)
})

test.run()
