/** The one error storage throws when a write did not happen: typed, with the errno and the file. */

/** Errno codes that mean "no room left", which the HTTP layer answers with 507. */
const FULL_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT'])

/**
 * Thrown by every durable write (room appends and snapshots, record files) after it has undone
 * whatever it half-did: the file holds exactly what it held before the call. `code` is the errno
 * (`ENOSPC`, `EDQUOT`, `EIO`, `EROFS`…) so callers can tell a full disk, which heals once space is
 * freed, from a broken one. The message names no path, because routes show it to users.
 */
export class StorageError extends Error {
  constructor(
    readonly code: string,
    /** The file the write was for, for logs only. */
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(
      FULL_CODES.has(code)
        ? "the server's disk is full: nothing was saved; try again once space is freed"
        : `the server could not save this (${code}): nothing was saved`,
      options,
    )
    this.name = 'StorageError'
  }

  /** True when the write failed for lack of space (heals when space is freed). */
  get full(): boolean {
    return FULL_CODES.has(this.code)
  }
}

/** Wraps an fs error as a StorageError for `file`; a StorageError passes through unchanged. */
export function toStorageError(err: unknown, file: string): StorageError {
  if (err instanceof StorageError) return err
  const code = (err as NodeJS.ErrnoException | null)?.code ?? 'EIO'
  return new StorageError(code, file, { cause: err })
}
