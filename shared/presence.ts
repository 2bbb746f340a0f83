/** Presence identity: the colours the server assigns and the `user` field every client shows. */

/** A fixed palette, so a remote colour can never carry CSS (docs/security.md#rules-and-bounds). */
export const PALETTE = [
  '#d1495b', '#2e86ab', '#3a7d44', '#8e44ad', '#e07a1f',
  '#00798c', '#c2185b', '#5c6bc0', '#6d4c41', '#2f9c95',
] as const

export const COLOR_RE = /^#[0-9a-f]{6}$/

/** Picks a palette colour from a user id, stable across sessions. */
export function colorFor(userId: string): string {
  let h = 0
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0
  return PALETTE[h % PALETTE.length]
}

/**
 * The colour a person gets in a room where `taken` are already in use: their own colour when it
 * is free, else the first free palette colour, so no two people in one room share a colour.
 * Past ten people the palette is exhausted and the person's own colour is reused.
 */
export function pickRoomColor(preferred: string, taken: ReadonlySet<string>): string {
  if (!taken.has(preferred)) return preferred
  return PALETTE.find((c) => !taken.has(c)) ?? preferred
}

/** A light variant (selection background) of a palette colour: the colour with alpha 0x33. */
export function lightColor(color: string): string {
  return `${color}33`
}

/** The `user` field of an awareness state, set by the server from the session. */
export interface PresenceUser {
  id: string
  name: string
  role: string
  color: string
  colorLight: string
}

/** Returns `color` if it is a palette-shaped colour, else a neutral grey. */
export function safeColor(color: unknown): string {
  return typeof color === 'string' && COLOR_RE.test(color) ? color : '#888888'
}
