/** An import body read as lines while it arrives: chunk boundaries, line endings and the size limit. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { BodyTooLarge, bodyLines } from '../server/services/bodyLines'
import { splitLines } from '../shared/validation'

const test = suite('body lines')

/** A stream that delivers `chunks` one read at a time. */
function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const queue = chunks.map((c) => (typeof c === 'string' ? new TextEncoder().encode(c) : c))
  return new ReadableStream({
    pull(controller) {
      const next = queue.shift()
      if (next) controller.enqueue(next)
      else controller.close()
    },
  })
}

async function collect(stream: ReadableStream<Uint8Array> | null, max = 1 << 20): Promise<string[]> {
  const out: string[] = []
  for await (const line of bodyLines(stream, max)) out.push(line)
  return out
}

test('gives the same lines as splitting the whole text, wherever the chunks break', async () => {
  const text = '{"a":"é😀"}\r\n\n  \nsecond\r\nlast without newline'
  const bytes = new TextEncoder().encode(text)
  for (let cut = 0; cut <= bytes.length; cut++) {
    const lines = await collect(streamOf([bytes.slice(0, cut), bytes.slice(cut)]))
    assert.equal(lines, splitLines(text), `cut at byte ${cut}`)
  }
  const oneByteAtATime = await collect(streamOf([...bytes].map((b) => new Uint8Array([b]))))
  assert.equal(oneByteAtATime, splitLines(text))
  assert.equal(await collect(streamOf(['a\nb\n'])), ['a', 'b'], 'a final newline adds no empty line')
  assert.equal(await collect(null), [])
})

test('stops with BodyTooLarge once more than the limit has arrived, and reads a body at the limit', async () => {
  assert.equal(await collect(streamOf(['12345', '678\n']), 9), ['12345678'], 'control: 9 bytes at a limit of 9')
  let read = 0
  try {
    for await (const _ of bodyLines(streamOf(['1234\n', '5678\n', '9\n']), 10)) read++
    assert.unreachable('the third chunk passes the limit')
  } catch (err) {
    assert.instance(err, BodyTooLarge)
  }
  assert.is(read, 2, 'the lines before the limit were given')
})

test.run()
