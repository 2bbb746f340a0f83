/** A request body as lines, read as it arrives: an import never holds its whole body. */

/** The body grew past the route's limit while it was being read. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`body over ${limit} bytes`)
    this.name = 'BodyTooLarge'
  }
}

/**
 * Yields the lines of a UTF-8 body (`\n` or `\r\n`, the empty piece after a final newline left
 * out, as `splitLines` does for a whole text), throwing BodyTooLarge as soon as more than
 * `maxBytes` have arrived. A client that lies in Content-Length, or sends none, is stopped here.
 * Each chunk is searched for newlines once (a long line costs linear time, not quadratic).
 */
export async function* bodyLines(body: ReadableStream<Uint8Array> | null, maxBytes: number): AsyncGenerator<string> {
  if (!body) return
  const decoder = new TextDecoder()
  const reader = body.getReader()
  /** Text of the line in progress, in pieces, joined once its newline arrives. */
  let pending: string[] = []
  let bytes = 0
  const strip = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line)
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      bytes += r.value.byteLength
      if (bytes > maxBytes) throw new BodyTooLarge(maxBytes)
      const text = decoder.decode(r.value, { stream: true })
      let start = 0
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        pending.push(text.slice(start, nl))
        yield strip(pending.join(''))
        pending = []
        start = nl + 1
      }
      if (start < text.length) pending.push(text.slice(start))
    }
    pending.push(decoder.decode())
    const last = pending.join('')
    if (last) yield strip(last)
  } finally {
    // Stopped early (too large, or the import gave up): stop reading the rest.
    reader.cancel().catch(() => {})
  }
}
