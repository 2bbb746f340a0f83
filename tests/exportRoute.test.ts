/** `GET /api/export`, `/api/export/counts` and `codejury export` on records made through the real finalize path. */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import fs from 'node:fs'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { against, runCliCaptured } from './helpers/cli'
import { EXPORT_FORMATS, TRL_FORMATS } from '../shared/exports/formats'
import { roomName } from '../shared/roomNames'
import { api, importTasks, startServer, taskLine, tempDir } from './helpers/server'
import type { TestServer } from './helpers/server'
import type { Peer } from './helpers/peer'
import { act, completeWorkspace, syncedPeer } from './helpers/review'

const test = suite('export route')
const CHECK_TRL = path.join(import.meta.dirname, 'check_trl.py')
const CHECK_HUMANEVAL = path.join(import.meta.dirname, 'check_humaneval.py')
let server: TestServer
let peers: Peer[] = []
const dirs: string[] = []
test.before.each(async () => {
  server = await startServer()
})
test.after.each(async () => {
  for (const p of peers) p.destroy()
  peers = []
  await server.stop()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function dir(): string {
  const d = tempDir('codejury-export-')
  dirs.push(d)
  return d
}

/** A task line whose prompt is a conversation. */
function chatLine(id: string): string {
  const line = JSON.parse(taskLine(id))
  line.prompt = [
    { role: 'system', content: 'You write Python.' },
    { role: 'user', content: 'Write add(a, b).' },
  ]
  return JSON.stringify(line)
}

async function finalize(id: string, ranking = ['a', 'c', 'b']) {
  const lead = await syncedPeer(server, roomName.workspace(id), server.leadToken, peers)
  await completeWorkspace(server, lead, id, { ranking })
  const res = await act(server, server.leadToken, id, 'finalize')
  assert.is(res.status, 200, JSON.stringify(res.body))
  return res.body
}

/** Batch b1: two markdown tasks (imported out of order); batch b2: one conversational task. */
async function seed() {
  await importTasks(server, [taskLine('t2'), taskLine('t1')].join('\n'), 'b1')
  await importTasks(server, chatLine('t3'), 'b2')
  for (const id of ['t1', 't2', 't3']) await finalize(id)
}

async function get(query: string, route = '/api/export') {
  const res = await fetch(`${server.url}${route}?${query}`, { headers: { authorization: `Bearer ${server.leadToken}` } })
  return { status: res.status, headers: res.headers, text: await res.text() }
}

const ndjson = (text: string): any[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
const typeOf = (v: unknown) => (Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v)

/** Runs tests/check_trl.py without blocking the event loop (the server under test shares it). */
async function checkTrl(format: string, ...files: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    return { ok: true, out: (await promisify(execFile)('python3', [CHECK_TRL, format, ...files], { encoding: 'utf8' })).stdout }
  } catch (err: any) {
    return { ok: false, out: String(err.stderr) }
  }
}

test('streams every format in task order with one type per column, and the mixed file turns markdown into a user message', async () => {
  await seed()
  for (const format of EXPORT_FORMATS) {
    const res = await get(`format=${format}`)
    assert.is(res.status, 200, `${format}: ${res.text}`)
    assert.match(res.headers.get('content-type') ?? '', /application\/x-ndjson/)
    const rows = ndjson(res.text)
    assert.ok(rows.length >= 3, format)
    const order = rows.map((r) => r.task_id)
    // kto takes a seeded shuffle of its own (see the kto test below); every other format is in task order.
    if (format !== 'kto') assert.equal(order, [...order].sort(), `${format} in task order`)
    assert.equal([...new Set(order)].sort(), ['t1', 't2', 't3'])
    const columns = new Set(rows.flatMap((r) => Object.keys(r)))
    for (const col of columns) {
      assert.ok(rows.every((r) => col in r), `${format}: every row has ${col}`)
      if (format === 'native') continue
      assert.is(new Set(rows.map((r) => typeOf(r[col]))).size, 1, `${format}: ${col} keeps one type`)
    }
    for (const r of rows) assert.match(r.record_hash, /^[0-9a-f]{64}$/)
  }
  const dpo = ndjson((await get('format=dpo')).text)
  assert.equal(dpo.find((r) => r.task_id === 't1').prompt, [{ role: 'user', content: '# Task t1\nWrite `add(a, b)`.' }])
  assert.equal(dpo.find((r) => r.task_id === 't3').prompt[0], { role: 'system', content: 'You write Python.' })
  const b1 = ndjson((await get('format=dpo&batch=b1')).text)
  assert.ok(b1.every((r) => typeof r.prompt === 'string' && typeof r.chosen === 'string'), 'a markdown-only file keeps strings')
  assert.equal(b1.map((r) => [r.chosen_id, r.rejected_id, r.margin, r.margin_source]).slice(0, 3), [
    ['a', 'c', 0, 'ratings'], ['a', 'b', 0.5, 'ratings'], ['c', 'b', 0.5, 'ratings'],
  ], 'margins from the default 1–5 rubric: a and c scored 4, b scored 2')
  const again = await get('format=dpo')
  assert.is(again.text, (await get('format=dpo')).text, 'the same records export byte for byte the same')
})

test('writes TRL files the standard-library Python check accepts, and the check refuses a mixed column', async () => {
  await seed()
  const d = dir()
  for (const format of TRL_FORMATS) {
    for (const query of [`format=${format}`, `format=${format}&batch=b1`]) {
      const file = path.join(d, `${format}.jsonl`)
      fs.writeFileSync(file, (await get(query)).text)
      const res = await checkTrl(format, file)
      assert.ok(res.ok, `${query}: ${res.out}`)
      assert.is(JSON.parse(res.out).format, format)
    }
  }
  for (const batch of ['', '&batch=b1', '&batch=b2']) {
    const dpo = path.join(d, 'pair-dpo.jsonl')
    const reward = path.join(d, 'pair-reward.jsonl')
    fs.writeFileSync(dpo, (await get(`format=dpo${batch}`)).text)
    fs.writeFileSync(reward, (await get(`format=reward${batch}`)).text)
    const pair = await checkTrl('pair', dpo, reward)
    assert.ok(pair.ok, `reward is dpo's prompt + completion${batch}: ${pair.out}`)
    // Negative control: the separator reward rows used to carry.
    const rows = ndjson(fs.readFileSync(reward, 'utf8'))
    const glued = rows.map((r) => (typeof r.chosen === 'string' ? { ...r, chosen: r.chosen.replace('.\n', '.\n\n') } : { ...r, chosen: r.chosen.slice(1) }))
    fs.writeFileSync(reward, glued.map((r) => JSON.stringify(r)).join('\n'))
    assert.match((await checkTrl('pair', dpo, reward)).out, /chosen is not the dpo row's prompt \+ chosen/)
  }
  const glued = path.join(d, 'glued.jsonl')
  fs.writeFileSync(glued, ndjson((await get('format=sft&batch=b1')).text).map((r) => JSON.stringify({ ...r, prompt: r.prompt.trimEnd() })).join('\n'))
  assert.match((await checkTrl('sft', glued)).out, /the prompt must end in whitespace/, 'negative control: a prompt glued to its completion')
  const mixed = path.join(d, 'mixed.jsonl')
  const conv = ndjson((await get('format=dpo&batch=b2')).text)[0]
  const std = ndjson((await get('format=dpo&batch=b1')).text)[0]
  fs.writeFileSync(mixed, [std, conv].map((r) => JSON.stringify(r)).join('\n'))
  const refused = await checkTrl('dpo', mixed)
  assert.not.ok(refused.ok)
  assert.match(refused.out, /column prompt is conversational here but standard/)
})

test('writes kto rows in a seeded shuffle with no two neighbours sharing a prompt, the same for the same seed and filters', async () => {
  const ids = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6']
  await importTasks(server, ids.map((id) => taskLine(id)).join('\n'), 'b1')
  for (const id of ids) await finalize(id)
  const text = (await get('format=kto')).text
  const rows = ndjson(text)
  assert.is(rows.length, 18)
  const prompts = rows.map((r) => r.prompt)
  assert.is(prompts.filter((p, i) => i > 0 && prompts[i - 1] === p).length, 0, 'no neighbours share a prompt')
  assert.is((await get('format=kto')).text, text, 'the same filters give the same file')
  assert.is((await get('format=kto&seed=0')).text, text, 'seed 0 is the default')
  const other = (await get('format=kto&seed=12345')).text
  assert.not.equal(other, text, 'another seed, another order')
  assert.equal(ndjson(other).map((r) => `${r.task_id}:${r.candidate_id}`).sort(), rows.map((r) => `${r.task_id}:${r.candidate_id}`).sort())
  assert.equal(rows.filter((r) => r.label).map((r) => r.candidate_id), Array(6).fill('a'), 'the best of three is desirable')
  const d = dir()
  const file = path.join(d, 'kto.jsonl')
  fs.writeFileSync(file, text)
  const checked = await checkTrl('kto', file)
  assert.ok(checked.ok, checked.out)
  assert.equal([JSON.parse(checked.out).shared_neighbours, JSON.parse(checked.out).desirable], [0, 6])
  // Negative control: the same rows in task order, as the export wrote them before.
  const byTask = path.join(d, 'by-task.jsonl')
  fs.writeFileSync(byTask, [...rows].sort((a, b) => (a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : a.rank - b.rank)).map((r) => JSON.stringify(r)).join('\n'))
  assert.match((await checkTrl('kto', byTask)).out, /share a prompt \(12 neighbouring pairs do\)/)
  const limited = ndjson((await get('format=kto&limit=4')).text)
  assert.equal(limited, rows.slice(0, 4), 'a preview is the head of the same file')
  const counts = JSON.parse((await get('', '/api/export/counts')).text)
  assert.equal(counts.kto, { desirable: 6, undesirable: 12, desirable_weight: 2, undesirable_weight: 1, ratio: 1 })
  assert.is((await api(server, server.leadToken, 'GET', '/api/export?format=kto&seed=x')).status, 400)
  const out = path.join(d, 'cli.jsonl')
  const { code, stderr } = await runCliCaptured(['export', '--format', 'kto', '--seed', '12345', '--out', out, ...against(server)])
  assert.is(code, 0, stderr)
  assert.is(fs.readFileSync(out, 'utf8'), other, 'the CLI passes --seed on')
  assert.match(stderr, /exported 18 rows written, 6 of 6 records read/)
})

test('writes humaneval items human-eval runs, leaving out and counting the task that is not Python', async () => {
  await seed()
  await importTasks(server, taskLine('j1', 'javascript'), 'b1')
  await finalize('j1')
  const rows = ndjson((await get('format=humaneval')).text)
  assert.equal(rows.map((r) => r.task_id), ['t1', 't2', 't3'])
  assert.is(rows[0].prompt, 'def add(a, b):\n    """\n    # Task t1\n    Write `add(a, b)`.\n    """\n')
  assert.is(rows[2].prompt, 'def add(a, b):\n    """\n    Write add(a, b).\n    """\n', 'a conversation gives its last user turn')
  const d = dir()
  const problems = path.join(d, 'problems.jsonl')
  const samples = path.join(d, 'samples.jsonl')
  fs.writeFileSync(problems, ndjson((await get('format=humaneval')).text).map((r) => JSON.stringify(r)).join('\n'))
  // Candidate b subtracts (the team's test fails it); candidate a is right.
  fs.writeFileSync(samples, ['a', 'b'].map((c) => JSON.stringify({ task_id: 't1', sample: c, completion: c === 'a' ? '    return a + b\n' : '    return a - b\n' })).join('\n'))
  const { stdout } = await promisify(execFile)('python3', [CHECK_HUMANEVAL, problems, samples], { encoding: 'utf8' })
  const runs = stdout.trim().split('\n').map((l) => JSON.parse(l))
  assert.equal(runs.slice(0, -1).map((r) => [r.task_id, r.sample, r.passed]), [
    ['t1', 'canonical_solution', true], ['t2', 'canonical_solution', true], ['t3', 'canonical_solution', true], ['t1', 'a', true], ['t1', 'b', false],
  ])
  const counts = JSON.parse((await get('', '/api/export/counts')).text)
  assert.is(counts.rows.humaneval, 3)
  assert.is(counts.records, 4)
  assert.equal(counts.humaneval_left_out, { not_python: 1, no_entry_point: 0, entry_point_not_defined: 0, no_tests: 0 })
})

test('filters by batch, since and revisions, and stops after limit rows', async () => {
  await seed()
  const ids = (q: string) => get(q).then((r) => ndjson(r.text).map((x) => `${x.task_id}@${x.revision}`))
  assert.equal(await ids('format=ranking&batch=b2'), ['t3@1'])
  assert.equal(await ids('format=ranking&batch=b1'), ['t1@1', 't2@1'])
  assert.equal(await ids('format=ranking&since=2000-01-01'), ['t1@1', 't2@1', 't3@1'])
  assert.equal(await ids('format=ranking&since=2999-01-01T00:00:00Z'), [])
  assert.is((await act(server, server.leadToken, 't2', 'reopen')).status, 200)
  const second = await finalize('t2', ['b', 'a', 'c'])
  assert.equal(await ids('format=ranking'), ['t1@1', 't2@2', 't3@1'])
  assert.equal(await ids('format=ranking&revisions=all'), ['t1@1', 't2@1', 't2@2', 't3@1'])
  assert.equal(await ids(`format=ranking&since=${encodeURIComponent(second.finalized_at)}`), ['t2@2'])
  assert.equal(await ids(`format=ranking&revisions=all&since=${encodeURIComponent(second.finalized_at)}`), ['t2@2'])
  const limited = ndjson((await get('format=dpo&limit=4')).text)
  assert.equal(limited.map((r) => `${r.task_id}:${r.chosen_id}>${r.rejected_id}`), ['t1:a>c', 't1:a>b', 't1:c>b', 't2:b>a'])
})

test('counts records and rows per format exactly as the export writes them', async () => {
  await seed()
  for (const q of ['', 'batch=b1', 'pairs=adjacent&revisions=all']) {
    const res = await get(q, '/api/export/counts')
    assert.is(res.status, 200, res.text)
    const counts = JSON.parse(res.text)
    for (const format of EXPORT_FORMATS) {
      const rows = ndjson((await get(`format=${format}&${q}`)).text)
      assert.is(counts.rows[format], rows.length, `${format} ${q}`)
    }
    assert.is(counts.records, q.includes('b1') ? 2 : 3)
    assert.is(counts.promptForm, q.includes('b1') ? 'standard' : 'conversational')
  }
})

test('refuses bad parameters with 400 and a message, non-leads with 403, and names the download', async () => {
  await seed()
  for (const [q, word] of [['format=csv', 'format'], ['format=dpo&pairs=many', 'pairs'], ['since=last-week', 'since'],
    ['revisions=some', 'revisions'], ['limit=-1', 'limit'], ['batch=nope', 'unknown batch'], ['download=yes', 'download']]) {
    const res = await api(server, server.leadToken, 'GET', `/api/export?${q}`)
    assert.is(res.status, 400, q)
    assert.match(res.body.error, word, q)
  }
  assert.is((await api(server, server.leadToken, 'GET', '/api/export/counts?since=nope')).status, 400)
  assert.is((await api(server, server.leadToken, 'GET', '/api/export/counts?pairs=nope')).status, 400)
  const ann = await api(server, server.leadToken, 'POST', '/api/users', { name: 'Ann', role: 'annotator' })
  assert.is((await api(server, ann.body.token, 'GET', '/api/export?format=dpo')).status, 403)
  assert.is((await api(server, ann.body.token, 'GET', '/api/export/counts')).status, 403)
  const plain = await get('format=kto')
  assert.is(plain.headers.get('content-disposition'), null)
  const download = await get('format=kto&download=1')
  assert.is(download.status, 200)
  assert.is(download.headers.get('content-disposition'), 'attachment; filename=codejury-kto.jsonl')
  assert.is(download.text, plain.text)
})

test('refuses a dpo export and the counts when a record fails its integrity check', async () => {
  await seed()
  assert.is((await get('format=dpo')).status, 200)
  const file = path.join(server.dataDir, 'records', 't2', '1.json')
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('B subtracts', 'C subtracts'))
  const res = await api(server, server.leadToken, 'GET', '/api/export?format=dpo')
  assert.is(res.status, 500)
  assert.match(res.body.error, /t2 revision 1 fails its integrity check/)
  const counts = await api(server, server.leadToken, 'GET', '/api/export/counts')
  assert.is(counts.status, 500)
  // A tampered file's batch and time cannot be trusted to leave it out, so every filter refuses too.
  assert.is((await get('format=dpo&batch=b2')).status, 500)
})

test('writes a dpo file with the CLI, printing rows written and records read on stderr', async () => {
  await seed()
  const out = path.join(dir(), 'pairs.jsonl')
  const { code, stdout, stderr } = await runCliCaptured(
    ['export', '--format', 'dpo', '--pairs', 'best-vs-rest', '--batch', 'b1', '--out', out, ...against(server)],
  )
  assert.is(code, 0, stderr)
  assert.is(stdout, '')
  const rows = ndjson(fs.readFileSync(out, 'utf8'))
  assert.equal(rows.map((r) => `${r.task_id}:${r.chosen_id}>${r.rejected_id}`), ['t1:a>c', 't1:a>b', 't2:a>c', 't2:a>b'])
  assert.match(stderr, /exported 4 rows written, 2 of 2 records read/)
  assert.ok((await checkTrl('dpo', out)).ok)
  assert.not.ok(fs.existsSync(`${out}.partial`))
  const refused = await runCliCaptured(['export', '--format', 'dpo', '--since', 'soon', ...against(server)])
  assert.is(refused.code, 1)
  assert.match(refused.stderr, /since must be an ISO 8601 date/)
})

test.run()
