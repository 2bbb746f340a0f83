/** Comments in the browser under refusal and load: what the server refused is said and dropped; thousands of threads stay usable. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import type { Page } from 'playwright-core'
import { CommentKey, createThread, MAX_THREAD_COMMENTS, MAX_UNRESOLVED_THREADS, readThreads, ThreadKey } from '../../shared/comments'
import { LATEST_REPLIES } from '../../client/components/workspace/comments/threadWindow'
import { roomName } from '../../shared/roomNames'
import { getThreads } from '../../shared/schema'
import { browserFixture, newUserPage } from '../helpers/browser'
import type { Peer } from '../helpers/peer'
import { reviewTask, syncedPeer, waitForServerDoc } from '../helpers/review'
import { waitFor } from '../helpers/waitFor'

const test = suite('comment limits in the browser')
const fx = browserFixture(test)
let peers: Peer[] = []
test.after.each(() => {
  for (const p of peers) p.destroy()
  peers = []
})

const panel = (page: Page) => page.getByRole('region', { name: 'Comments' })

async function openAs(token: string, taskId: string) {
  const u = await newUserPage(fx.browser, fx.server, token)
  fx.users.push(u)
  await u.page.goto(`/tasks/${taskId}`)
  await panel(u.page).waitFor({ timeout: 15_000 })
  return u
}

/** The first comment body of the first thread in the page's comments doc. */
const pageBody = (page: Page, taskId: string) =>
  page.evaluate((room) => {
    const threads = window.__codejury?.docs.get(room)?.getArray('threads')
    const first = threads?.get(0) as { get(k: string): any } | undefined
    return (first?.get('comments')?.get(0)?.get('body') as string | undefined) ?? null
  }, roomName.comments(taskId))

test('tells a reviewer what the server refused and reloads the comments, offline copy included', async () => {
  const { id, ann, rev } = await reviewTask(fx.server)
  const annPeer = await syncedPeer(fx.server, roomName.comments(id), ann.token, peers)
  createThread(annPeer.doc, { anchor: { kind: 'task' }, quote: '', author: ann.id, body: 'b fails on negatives' }, null)
  const reviewer = await openAs(rev.token, id)
  const p = reviewer.page
  await panel(p).getByText('b fails on negatives').waitFor({ timeout: 10_000 })
  // A client that rewrites someone else's comment (what a modified page or a stock client can do).
  await p.evaluate((room) => {
    const threads = window.__codejury!.docs.get(room)!.getArray('threads')
    ;((threads.get(0) as any).get('comments').get(0) as any).set('body', 'b is perfect')
  }, roomName.comments(id))
  await panel(p).getByRole('alert').filter({ hasText: 'The server refused your last change: only its author edits a comment' }).waitFor({ timeout: 10_000 })
  await waitFor(async () => (await pageBody(p, id)) === 'b fails on negatives', 'the page to reload the comment as the room holds it')
  assert.is(await panel(p).getByText('b is perfect').count(), 0, 'the refused words are gone from the page')
  assert.is(readThreads(annPeer.doc)[0].comments[0].body, 'b fails on negatives', 'the author never saw them')
  // The offline copy went too: a reload does not bring the refused edit back.
  await p.reload()
  await panel(p).getByText('b fails on negatives').waitFor({ timeout: 10_000 })
  assert.is(await panel(p).getByRole('alert').count(), 0, 'nothing refused after the reload')
  // Control: the reloaded room takes the reviewer's reply.
  const card = panel(p).getByRole('listitem', { name: 'Thread on Whole task' })
  await card.getByRole('textbox', { name: 'Reply' }).fill('Agreed.')
  await card.getByRole('button', { name: 'Reply', exact: true }).click()
  await waitFor(() => readThreads(annPeer.doc)[0]?.comments.length === 2, 'the reply to reach the annotator')
  // A reviewer's Resolve on someone else's thread is off, with the reason.
  const resolve = card.getByRole('button', { name: 'Resolve' })
  assert.ok(await resolve.isDisabled())
  assert.match((await resolve.getAttribute('title')) ?? '', /Only the thread’s author, the lead or an assignee/)
})

test('says in the composer why a 201st unresolved thread cannot be posted, and posts once one is resolved', async () => {
  const { id, rev } = await reviewTask(fx.server)
  await fx.server.running.deps.rooms.transact(roomName.comments(id), (doc) => {
    for (let i = 0; i < MAX_UNRESOLVED_THREADS; i++) createThread(doc, { anchor: { kind: 'task' }, quote: '', author: rev.id, body: `note ${i}` }, null)
  })
  const reviewer = await openAs(rev.token, id)
  const p = reviewer.page
  await panel(p).getByRole('status').filter({ hasText: '200 open' }).waitFor({ timeout: 15_000 })
  await panel(p).getByRole('button', { name: 'On the whole task' }).click()
  const box = panel(p).getByRole('textbox', { name: 'New comment' })
  await box.fill('one more')
  await panel(p).getByRole('button', { name: 'Comment', exact: true }).click()
  await panel(p).getByRole('alert').filter({ hasText: 'You have 200 unresolved threads on this task, and 200 is the most' }).waitFor()
  assert.is(await box.inputValue(), 'one more', 'the text stays in the composer')
  // Control: once the reviewer resolves one of theirs, the same comment posts.
  await panel(p).getByRole('listitem').first().getByRole('button', { name: 'Resolve' }).click()
  await panel(p).getByRole('status').filter({ hasText: '199 open' }).waitFor()
  await panel(p).getByRole('button', { name: 'Comment', exact: true }).click()
  await waitForServerDoc(fx.server, roomName.comments(id), (d) => readThreads(d).length === MAX_UNRESOLVED_THREADS + 1, 'the 201st thread stored')
})

test('renders 5,000 threads with only the cards on screen in the page, and stays usable', async () => {
  const { id, rev } = await reviewTask(fx.server)
  const n = 5_000
  await fx.server.running.deps.rooms.transact(roomName.comments(id), (doc) => {
    for (let i = 0; i < n; i++) {
      const thread = new Y.Map<unknown>()
      for (const [k, v] of [[ThreadKey.id, `th${i}`], [ThreadKey.anchor, { kind: 'task' }], [ThreadKey.quote, ''],
        [ThreadKey.author, rev.id], [ThreadKey.createdAt, '2026-12-01T00:00:00.000Z'], [ThreadKey.resolved, false]] as const) {
        thread.set(k, v)
      }
      const comment = new Y.Map<unknown>()
      comment.set(CommentKey.id, `c${i}`)
      comment.set(CommentKey.author, rev.id)
      comment.set(CommentKey.body, `flood ${i}`)
      const comments = new Y.Array<Y.Map<unknown>>()
      comments.push([comment])
      thread.set(ThreadKey.comments, comments)
      getThreads(doc).push([thread])
    }
  })
  const lead = await openAs(fx.server.leadToken, id)
  const p = lead.page
  // Long tasks on the main thread while the page loads and scrolls, measured by the browser.
  await p.evaluate(() => {
    const w = window as unknown as { longTasks: number[] }
    w.longTasks = []
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: true })
  })
  const started = Date.now()
  await panel(p).getByRole('status').filter({ hasText: `${n} open` }).waitFor({ timeout: 30_000 })
  await panel(p).getByText('flood 0', { exact: true }).waitFor({ timeout: 30_000 })
  const shownMs = Date.now() - started
  const cards = await panel(p).locator('ul.threads > li').count()
  assert.ok(cards > 0 && cards < 100, `only the cards on screen are in the page (${cards})`)
  // Scrolling to the end brings the last thread in, still without the thousands before it.
  await panel(p).locator('.threads-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight))
  await panel(p).getByText(`flood ${n - 1}`, { exact: true }).waitFor({ timeout: 10_000 })
  assert.ok((await panel(p).locator('ul.threads > li').count()) < 100)
  assert.is(await panel(p).getByText('flood 0', { exact: true }).count(), 0, 'the first card left the page')
  // Usable: the lead resolves the last thread from the page and the room stores it.
  await panel(p).getByRole('listitem').filter({ hasText: `flood ${n - 1}` }).getByRole('button', { name: 'Resolve' }).click()
  await waitForServerDoc(fx.server, roomName.comments(id), (d) => readThreads(d).at(-1)?.resolved === true, 'the resolve stored')
  // Typing in the explanation still reaches the room while the threads are shown.
  const explanation = p.getByRole('textbox', { name: 'Explanation' })
  await explanation.click()
  await p.keyboard.type('still responsive')
  await waitForServerDoc(fx.server, roomName.workspace(id), (d) => d.getText('explanation').toString().includes('still responsive'), 'the typing stored')
  const longTasks = await p.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks)
  console.log(`5,000 threads: shown after ${shownMs} ms; ${cards} cards in the page; longest main-thread task ${Math.round(Math.max(0, ...longTasks))} ms (${longTasks.length} over 50 ms)`)
  assert.equal(lead.errors.filter((e) => !/WebSocket|permission/i.test(e)), [])
})

test(`renders a thread at its bound of ${MAX_THREAD_COMMENTS} comments windowed, with earlier replies on demand and no reply box`, async () => {
  const { id, rev } = await reviewTask(fx.server)
  const full = (name: string, n: number) => (doc: Y.Doc) => {
    const thread = new Y.Map<unknown>()
    for (const [k, v] of [[ThreadKey.id, name], [ThreadKey.anchor, { kind: 'task' }], [ThreadKey.quote, ''],
      [ThreadKey.author, rev.id], [ThreadKey.createdAt, new Date().toISOString()], [ThreadKey.resolved, false]] as const) {
      thread.set(k, v)
    }
    const comments = new Y.Array<Y.Map<unknown>>()
    for (let i = 0; i < n; i++) {
      const c = new Y.Map<unknown>()
      for (const [k, v] of [[CommentKey.id, `${name}-${i}`], [CommentKey.author, rev.id], [CommentKey.body, `${name} reply ${i}`], [CommentKey.createdAt, new Date().toISOString()]]) c.set(k, v)
      comments.push([c])
    }
    thread.set(ThreadKey.comments, comments)
    getThreads(doc).push([thread])
  }
  await fx.server.running.deps.rooms.transact(roomName.comments(id), full('long', MAX_THREAD_COMMENTS))
  // Control: a short thread shows every comment and takes replies.
  await fx.server.running.deps.rooms.transact(roomName.comments(id), full('short', 3))
  const u = await openAs(rev.token, id)
  const p = u.page
  const long = panel(p).getByRole('listitem').filter({ hasText: 'long reply 0' })
  await long.getByText(`long reply ${MAX_THREAD_COMMENTS - 1}`, { exact: true }).waitFor({ timeout: 15_000 })
  const rendered = await long.locator('.comment').count()
  assert.is(rendered, 1 + LATEST_REPLIES, 'the first comment and the latest replies')
  const more = long.getByRole('button', { name: /earlier replies/ })
  assert.match(await more.innerText(), new RegExp(`\\(${MAX_THREAD_COMMENTS - 1 - LATEST_REPLIES} hidden\\)`))
  await more.click()
  await waitFor(async () => (await long.locator('.comment').count()) === 1 + LATEST_REPLIES + 100, 'a hundred earlier replies to show')
  assert.is(await long.getByRole('textbox', { name: 'Reply' }).count(), 0, 'a full thread has no reply box')
  await long.getByRole('note').filter({ hasText: `holds at most ${MAX_THREAD_COMMENTS} comments` }).waitFor()
  const short = panel(p).getByRole('listitem').filter({ hasText: 'short reply 0' })
  assert.is(await short.locator('.comment').count(), 3)
  assert.is(await short.getByRole('button', { name: /earlier replies/ }).count(), 0)
  await short.getByRole('textbox', { name: 'Reply' }).fill('fits')
  await short.getByRole('button', { name: 'Reply', exact: true }).click()
  await waitForServerDoc(fx.server, roomName.comments(id), (d) => readThreads(d).find((t) => t.id === 'short')?.comments.length === 4, 'the reply stored')
  assert.equal(u.errors.filter((e) => !/WebSocket|permission/i.test(e)), [])
})

test.run()
