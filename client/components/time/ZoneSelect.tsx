/** The "Time zone" selector: IANA names, UTC first. */
import { createMemo, createUniqueId, For } from 'solid-js'
import type { Component } from 'solid-js'
import { zoneNames } from './zoneChoice'

export const ZoneSelect: Component<{ zone: string; onChange: (zone: string) => void }> = (props) => {
  const names = createMemo(() => zoneNames(props.zone))
  const id = `zone-${createUniqueId()}`
  return (
    <span class="zone-select">
      <label for={id}>Time zone</label>{' '}
      <select id={id} value={props.zone} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <For each={names()}>{(name) => <option value={name} selected={name === props.zone}>{name}</option>}</For>
      </select>
    </span>
  )
}
