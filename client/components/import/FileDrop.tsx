/** A file picker that also takes a file dropped on it: the import page's JSONL input. */
import { createSignal, Show } from 'solid-js'
import type { Component } from 'solid-js'

export const FileDrop: Component<{ file: File | null; onFile: (file: File | null) => void }> = (props) => {
  const [over, setOver] = createSignal(false)
  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setOver(false)
    const file = e.dataTransfer?.files[0]
    if (file) props.onFile(file)
  }
  return (
    <div
      class="file-drop"
      classList={{ 'file-drop-over': over() }}
      onDragOver={(e) => {
        e.preventDefault()
        setOver(true)
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <label>
        <span>JSONL file</span>
        <input
          type="file"
          accept=".jsonl,.ndjson,.json,application/x-ndjson,application/jsonl"
          onChange={(e) => props.onFile(e.currentTarget.files?.[0] ?? null)}
        />
      </label>
      <p class="muted small">
        or drop it here.{' '}
        <Show when={props.file}>{(f) => <span>Chosen: {f().name} ({Math.ceil(f().size / 1024)} KB)</span>}</Show>
      </p>
    </div>
  )
}
