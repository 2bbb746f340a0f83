/** The keyboard shortcut registry: one window listener, and the list the help overlay shows. */
import { createSignal, onCleanup, onMount } from 'solid-js'

/** Groups in the help overlay, in display order. */
export const ShortcutGroup = {
  navigate: 'Navigate',
  edit: 'Editors',
  view: 'View',
  people: 'People',
} as const
export type ShortcutGroup = (typeof ShortcutGroup)[keyof typeof ShortcutGroup]

export interface Shortcut {
  /**
   * Key combinations as `keyOf` spells them: `'e'`, `'?'`, `'['`, `'Alt+Shift+E'`. Plain keys fire
   * only outside text fields; combinations with Alt or Ctrl also fire while typing.
   */
  keys: string[]
  /** What the help overlay says it does. */
  label: string
  group: ShortcutGroup
  /** How the help overlay shows the keys, when `keys` is too long to list (`'1 – 9'`). */
  display?: string
  /** Left out of the help overlay (one of a family another entry describes, like 2–9). */
  hidden?: boolean
  /** The shortcut applies only while this holds; otherwise the key is left alone. */
  when?: () => boolean
  run: (event: KeyboardEvent) => void
}

const [registered, setRegistered] = createSignal<Shortcut[]>([])

/** Every registered shortcut, for the help overlay. */
export const shortcuts = registered

/** Adds `shortcut` to the registry until the returned function is called. */
export function registerShortcut(shortcut: Shortcut): () => void {
  setRegistered((list) => [...list, shortcut])
  return () => setRegistered((list) => list.filter((s) => s !== shortcut))
}

/** Registers shortcuts for the lifetime of the calling component. */
export function useShortcuts(list: Shortcut[]): void {
  onMount(() => {
    const disposers = list.map(registerShortcut)
    onCleanup(() => disposers.forEach((dispose) => dispose()))
  })
}

/**
 * The combination of a key event, e.g. `'Alt+Shift+E'`, `'?'`, `'3'`. With Alt or Ctrl/Meta the
 * physical key is used (Alt changes the character on some layouts); Shift is named only then.
 */
export function keyOf(e: KeyboardEvent): string {
  const chord = e.altKey || e.ctrlKey || e.metaKey
  if (!chord) return e.key
  const mods = [
    e.ctrlKey || e.metaKey ? 'Mod' : '',
    e.altKey ? 'Alt' : '',
    e.shiftKey ? 'Shift' : '',
  ]
  const code = e.code.replace(/^Key|^Digit/, '')
  return [...mods.filter(Boolean), code].join('+')
}

// Elements that read single keys themselves: text fields, CodeMirror, and composite widgets
// (a rubric cell takes 1–9, a list box takes letters). `data-own-keys` opts any element out.
const OWN_KEYS =
  'input, textarea, select, [contenteditable=""], [contenteditable="true"], [role="radiogroup"], ' +
  '[role="radio"], [role="grid"], [role="gridcell"], [role="slider"], [role="spinbutton"], ' +
  '[role="listbox"], [role="menu"], [data-own-keys]'

/** True when a plain key pressed in `target` belongs to that element, not to the registry. */
export function ownsKeys(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(OWN_KEYS) !== null
}

function matches(shortcut: Shortcut, key: string): boolean {
  return shortcut.keys.includes(key)
}

/**
 * Listens on `window` in the bubble phase for as long as the caller lives, so any handler below
 * (an editor, a rubric cell) that called `preventDefault` keeps its key.
 */
export function createShortcutListener(): void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.isComposing || e.repeat) return
    const key = keyOf(e)
    const chord = e.altKey || e.ctrlKey || e.metaKey
    if (!chord && ownsKeys(e.target)) return
    // A modal dialog (the help overlay) handles its own keys.
    if (!chord && e.target instanceof Element && e.target.closest('dialog[open]')) return
    const shortcut = registered().find((s) => matches(s, key) && (!s.when || s.when()))
    if (!shortcut) return
    e.preventDefault()
    shortcut.run(e)
  }
  window.addEventListener('keydown', onKeyDown)
  onCleanup(() => window.removeEventListener('keydown', onKeyDown))
}
