/** createYText: a Y.Text's content as a Solid signal, for read-only renderings (previews). */
import { createSignal, onCleanup } from 'solid-js'
import type { Accessor } from 'solid-js'
import type * as Y from 'yjs'

/** Follows `ytext` until the calling owner is cleaned up. */
export function createYText(ytext: Y.Text): Accessor<string> {
  const [text, setText] = createSignal(ytext.toString())
  const onChange = () => setText(ytext.toString())
  ytext.observe(onChange)
  onCleanup(() => ytext.unobserve(onChange))
  return text
}
