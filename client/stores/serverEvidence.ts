/**
 * Asking the server for its own runs ("Run on server"): whether this server runs code at all
 * (`GET /api/sandbox`), a request in flight, and why the last one failed. The runs themselves
 * arrive through the room (`server_runs`), so every open page sees them at once.
 */
import { createSignal } from 'solid-js'
import type { Accessor } from 'solid-js'
import { getSandboxState, runOnServer, type SandboxState } from '../api'

export interface ServerEvidenceStore {
  /** The server's sandbox, or null until known (or when it could not be asked). */
  sandbox: Accessor<SandboxState | null>
  /** A request for the server's runs is in flight. */
  busy: Accessor<boolean>
  /** Why the last request failed; null after one that succeeded. */
  error: Accessor<string | null>
  request(): Promise<void>
}

/** The store of one task's "Run on server"; asks for the sandbox's state only when `enabled`. */
export function createServerEvidence(taskId: string, enabled: boolean): ServerEvidenceStore {
  const [sandbox, setSandbox] = createSignal<SandboxState | null>(null)
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  const refresh = async () => {
    try {
      setSandbox(await getSandboxState())
    } catch {
      // Not knowing the sandbox's state never blocks the button: the request itself says why it fails.
      setSandbox(null)
    }
  }
  if (enabled) void refresh()
  return {
    sandbox,
    busy,
    error,
    async request() {
      if (busy()) return
      setBusy(true)
      setError(null)
      try {
        await runOnServer(taskId)
      } catch (e) {
        setError((e as Error).message)
        // A refusal may mean the sandbox went away (or finished starting): show its state as it is now.
        void refresh()
      } finally {
        setBusy(false)
      }
    },
  }
}
