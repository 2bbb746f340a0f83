/** The session: who is signed in, loaded once from `/api/me` and shared through context. */
import { createContext, createResource, useContext } from 'solid-js'
import type { ParentComponent, Resource } from 'solid-js'
import { getMe, signOut } from '../api'
import type { Me } from '../api'
import { clearOfflineCaches } from '../sync/offlineCaches'

/** What every page may ask about the session. */
export interface Session {
  /** The `/api/me` resource; errors with a 401 `ApiError` when signed out. */
  me: Resource<Me>
  /** Ends the session and returns to the sign-in screen. */
  signOut: () => Promise<void>
}

const SessionContext = createContext<Session>()

/** Loads `/api/me` once for the whole app. */
export const SessionProvider: ParentComponent = (props) => {
  const [me] = createResource(getMe)
  const session: Session = {
    me,
    async signOut() {
      await signOut()
      // The next person at this browser must not find our cached workspaces.
      await clearOfflineCaches()
      // A full reload drops every room, cache handle and socket of the old identity.
      location.assign('/')
    },
  }
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>
}

/** The session; only valid below `SessionProvider`. */
export function useSession(): Session {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession() needs a <SessionProvider> above it')
  return session
}

/**
 * The signed-in user, for pages rendered only once `/api/me` succeeded (the shell gates them).
 * Never call it on the signed-out screen.
 */
export function useMe(): () => Me {
  const { me } = useSession()
  return () => {
    const user = me.latest
    if (!user) throw new Error('useMe() used before /api/me resolved')
    return user
  }
}
