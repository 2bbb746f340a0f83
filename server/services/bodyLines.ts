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
 * `maxBytes` have arrived. A client that lies in Content-Length is stopped here all the same.
 */
export async function* bodyLines(body: ReadableStream<Uint8Array> | null, maxBytes: number): AsyncGenerator<string> {
  if (!body) return
  const decoder = new TextDecoder()
  let rest = ''
  let bytes = 0
  const strip = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line)
  const reader = body.getReader()
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    const chunk = r.value
    bytes += chunk.byteLength
    if (bytes > maxBytes) {
      void reader.cancel().catch(() => {})
      throw new BodyTooLarge(maxBytes)
    }
    rest += decoder.decode(chunk, { stream: true })
    let start = 0
    for (let nl = rest.indexOf('\n'); nl !== -1; nl = rest.indexOf('\n', start)) {
      yield strip(rest.slice(start, nl))
      start = nl + 1
    }
    rest = rest.slice(start)
  }
  rest += decoder.decode()
  if (rest) yield strip(rest)
}
