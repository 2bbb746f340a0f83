/** Transaction origins: stable objects, because Yjs compares origins by identity. */

/** Replaying a room's stored log; such updates are never appended again. */
export const LOAD = Object.freeze({ source: 'load' as const })
/** The server's own writes (meta, seeding, finalize). */
export const SERVER = Object.freeze({ source: 'server' as const })

/** An update that arrived on one connection; made once per connection on join. */
export interface ConnectionOrigin<C = unknown> {
  readonly source: 'connection'
  readonly conn: C
}

export type Origin = typeof LOAD | typeof SERVER | ConnectionOrigin
