/** The "Time zone" selector: IANA names, UTC first. */
import { createMemo, For } from 'solid-js'
import type { Component } from 'solid-js'
import { zoneNames } from './zoneChoice'

export const ZoneSelect: Component<{ zone: string; onChange: (zone: string) => void }> = (props) => {
  const names = createMemo(() => zoneNames(props.zone))
  return (
    <label class="zone-select">
      Time zone{' '}
      <select value={props.zone} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <For each={names()}>{(name) => <option value={name} selected={name === props.zone}>{name}</option>}</For>
      </select>
    </label>
  )
}
