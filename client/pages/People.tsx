/**
 * `/lead/people`: the lead's people and sessions. Add a person (their sign-in link shown once),
 * change a role, make a new link, remove someone (after a confirm step), and end sessions; per
 * person, tasks assigned, submitted and finalized and hours this week in the chosen time zone.
 */
import { createMemo, createResource, createSignal, For, Show } from 'solid-js'
import type { Component } from 'solid-js'
import type { Role, User } from '../../shared/types'
import {
  changeUserRole,
  getPeopleSummary,
  listSessions,
  listUsers,
  removeUser,
  revokeSession,
  revokeUserSessions,
  rotateUserToken,
} from '../api'
import type { IssuedToken, SessionRow } from '../api'
import { useMe } from '../stores/session'
import { ErrorNote } from '../components/common/ErrorNote'
import { AddPerson } from '../components/people/AddPerson'
import { PersonRow } from '../components/people/PersonRow'
import { SessionsTable } from '../components/people/SessionsTable'
import { SigninLinkOnce } from '../components/people/SigninLinkOnce'
import { ZoneSelect } from '../components/time/ZoneSelect'
import { createZoneChoice } from '../components/time/zoneChoice'
import '../styles/people.css'

const PeopleList: Component = () => {
  const me = useMe()
  const [zone, setZone] = createZoneChoice()
  const [users, { refetch: refetchUsers }] = createResource(listUsers)
  const [summary, { refetch: refetchSummary }] = createResource(zone, getPeopleSummary)
  const [sessions, { refetch: refetchSessions }] = createResource(listSessions)
  const [issued, setIssued] = createSignal<IssuedToken | null>(null)
  const [status, setStatus] = createSignal('')
  const [error, setError] = createSignal<unknown>(null)
  const [busy, setBusy] = createSignal(false)
  const [confirmingId, setConfirmingId] = createSignal<string | null>(null)
  const figures = createMemo(() => new Map((summary()?.people ?? []).map((p) => [p.id, p])))

  const reload = () => {
    void refetchUsers()
    void refetchSummary()
    void refetchSessions()
  }
  /** Runs one change, then says what happened and reloads. */
  const run = async (work: () => Promise<string>) => {
    setError(null)
    setStatus('')
    setBusy(true)
    try {
      setStatus(await work())
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
      reload()
    }
  }
  const actions = {
    changeRole: (u: User, role: Role) =>
      void run(async () => {
        await changeUserRole(u.id, role)
        return `${u.name} is now ${role === 'annotator' ? 'an' : 'a'} ${role}.`
      }),
    newLink: (u: User) =>
      void run(async () => {
        setIssued(await rotateUserToken(u.id))
        return `${u.name} has a new sign-in link; the old one and its sessions have ended.`
      }),
    remove: (u: User) =>
      void run(async () => {
        await removeUser(u.id)
        if (issued()?.id === u.id) setIssued(null)
        return `Removed ${u.name}.`
      }),
  }
  const endSession = (s: SessionRow) =>
    void run(async () => {
      await revokeSession(s.id)
      return `Ended a session of ${s.userName ?? s.userId}.`
    })
  const endAll = (userId: string, name: string) =>
    void run(async () => {
      const { revoked } = await revokeUserSessions(userId)
      return `Ended ${revoked} session${revoked === 1 ? '' : 's'} of ${name}.`
    })

  return (
    <>
      <section class="panel" aria-labelledby="people-title">
        <div class="row spread">
          <h1 id="people-title">People</h1>
          <ZoneSelect zone={zone()} onChange={setZone} />
        </div>
        <Show when={summary()}>
          {(s) => (
            <p class="muted small">
              Hours this week: {s().week.from} to {s().week.to} ({s().tz}), weeks start on Monday.
            </p>
          )}
        </Show>
        <Show when={users.error || summary.error}>
          <ErrorNote error={users.error ?? summary.error} onRetry={reload} />
        </Show>
        <Show when={error()}>
          <ErrorNote error={error()} />
        </Show>
        <Show when={status()}>
          <p role="status">{status()}</p>
        </Show>
        <table class="tasks people">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Assigned</th>
              <th scope="col">Submitted</th>
              <th scope="col">Finalized</th>
              <th scope="col">Hours this week</th>
              <th scope="col"><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            <For each={users() ?? []}>
              {(u) => (
                <PersonRow
                  user={u}
                  figures={figures().get(u.id)}
                  self={u.id === me().id}
                  busy={busy()}
                  actions={actions}
                  confirming={confirmingId() === u.id}
                  setConfirming={(on) => setConfirmingId(on ? u.id : null)}
                />
              )}
            </For>
          </tbody>
        </table>
      </section>
      <Show when={issued()} keyed>
        {(i) => <SigninLinkOnce issued={i} onDone={() => setIssued(null)} />}
      </Show>
      <AddPerson
        onAdded={(i) => {
          setIssued(i)
          setStatus(`Added ${i.name}.`)
          reload()
        }}
      />
      <Show when={sessions.error}>
        <ErrorNote error={sessions.error} onRetry={() => void refetchSessions()} />
      </Show>
      <SessionsTable sessions={sessions() ?? []} busy={busy()} onEnd={endSession} onEndAll={endAll} />
    </>
  )
}

const People: Component = () => {
  const me = useMe()
  return (
    <Show when={me().role === 'lead'} fallback={<p class="panel narrow">Only the lead manages people.</p>}>
      <PeopleList />
    </Show>
  )
}

export default People
