/**
 * Pyodide's two large files, answered from this worker's memory after the first load. Every
 * `loadPyodide` (each restore of a subject's interpreter is one) fetches python_stdlib.zip (2.5 MB:
 * each new instance's file system needs it, a memory snapshot holds wasm memory only) and starts
 * fetching pyodide.asm.wasm (9.6 MB) while it builds its settings, before it knows the instance
 * will come from the module compiled once. The worker's `fetch` answers those two URLs itself:
 * the standard library with a copy of the bytes fetched once, the wasm, once the module is kept,
 * with an empty body that nothing reads (a restore that did read it would fail to instantiate,
 * not run something else). Any other URL goes to the network as before; code under test has no
 * way to call this `fetch` (the harness refuses `js` and `pyodide`).
 */

/** Installs the answering `fetch` in this worker; `compiled()` says whether the wasm module is kept. */
export function servePyodideFiles(base: string, compiled: () => boolean): void {
  const network = self.fetch.bind(self)
  const stdlibUrl = new URL('python_stdlib.zip', base).href
  const wasmUrl = new URL('pyodide.asm.wasm', base).href
  let stdlib: Promise<ArrayBuffer> | null = null
  const loadStdlib = (): Promise<ArrayBuffer> => {
    const pending = network(stdlibUrl).then((r) => {
      if (!r.ok) throw new Error(`python_stdlib.zip: HTTP ${r.status}`)
      return r.arrayBuffer()
    })
    // A failed fetch is not kept: the next load tries the network again.
    pending.catch(() => {
      if (stdlib === pending) stdlib = null
    })
    return pending
  }
  self.fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? new URL(input, self.location.href).href : input instanceof URL ? input.href : input.url
    if (url === stdlibUrl) {
      stdlib ??= loadStdlib()
      // A Response copies the bytes it is given: each instance gets its own, the kept ones stay whole.
      return stdlib.then((bytes) => new Response(bytes, { headers: { 'content-type': 'application/zip' } }))
    }
    if (url === wasmUrl && compiled()) {
      return Promise.resolve(new Response(new Uint8Array(0), { headers: { 'content-type': 'application/wasm' } }))
    }
    return network(input, init)
  }
}
