/**
 * "Your ballot": an annotator's private ranking and rubric in an independent batch, bound to their
 * ballot room through the same panels as the shared workspace, with "Submit ballot".
 */
import { createEffect, createResource, createSignal, createUniqueId, Show } from 'solid-js'
import type { Component } from 'solid-js'
import { getBallot } from '../../../../shared/schema'
import { describeGaps } from '../../../../shared/ballots'
import { readRefusal } from '../../../../shared/refusals'
import type { RoomDoc } from '../../../sync/createRoomDoc'
import { prepareBallot, submitBallot, withdrawBallot } from '../../../api'
import type { TaskDetail } from '../../../api'
import { useMe } from '../../../stores/session'
import { toPresenceUser } from '../../../stores/access'
import { createBallotRoom } from '../../../stores/ballot'
import { closeMessage } from '../../../sync/closeMessage'
import { RankingPanel } from '../ranking/RankingPanel'
import { RubricPanel } from '../rubric/RubricPanel'
import { ErrorNote } from '../../common/ErrorNote'
import '../../../styles/agreement.css'

/**
 * The signed-in annotator's ballot of `task`; `readOnly` when the task is closed to them. When
 * the server refuses a write (the ballot was submitted in another tab), the ballot is opened
 * afresh from the server, without its offline copy, and the panel says what was refused.
 */
export const BallotPanel: Component<{ task: TaskDetail; readOnly: boolean }> = (props) => {
  const [generation, setGeneration] = createSignal(1)
  const [refused, setRefused] = createSignal<string | null>(null)
  const onRefused = (why: string, room: RoomDoc) => {
    setRefused(why)
    void room.discardCache().then(() => setGeneration((g) => g + 1))
  }
  return (
    <Show when={generation()} keyed>
      {(_generation: number) => <OwnBallot task={props.task} readOnly={props.readOnly} refused={refused()} onRefused={onRefused} />}
    </Show>
  )
}

const OwnBallot: Component<{
  task: TaskDetail
  readOnly: boolean
  refused: string | null
  onRefused: (why: string, room: RoomDoc) => void
}> = (props) => {
  const me = useMe()
  const uid = createUniqueId()
  // The server creates the per-candidate ratings maps (two tabs creating them would race).
  const [prepared, { refetch }] = createResource(() => props.task.id, prepareBallot)
  const ballot = createBallotRoom(props.task, me().id, toPresenceUser(me()))
  const roots = getBallot(ballot.room.doc)
  const state = ballot.state
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal<unknown>(null)
  const locked = () => props.readOnly || state.submitted() || ballot.room.denied() !== null
  let told = false
  createEffect(() => {
    const reason = ballot.room.denied()
    const why = reason === null ? null : readRefusal(reason)
    if (why === null || told) return
    told = true
    props.onRefused(why, ballot.room)
  })
  const run = async (action: () => Promise<unknown>) => {
    setBusy(true)
    setError(null)
    try {
      await action()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const submittedAt = () => {
    const at = state.submission()?.submitted_at
    return at ? new Date(at).toLocaleString() : ''
  }
  return (
    <section class="ballot-panel" aria-labelledby={`${uid}-title`}>
      <div class="ballot-head">
        <h2 id={`${uid}-title`}>Your ballot</h2>
        <span class="ballot-private small">Private</span>
      </div>
      <p class="muted small">
        Rank and score alone: only you and the lead see this ballot. The team builds the shared
        ranking once the lead merges the ballots.
      </p>
      <Show when={props.refused}>
        {(why) => (
          <p class="error small" role="alert">
            The server refused your last change: {why()}. Your ballot was reloaded from the server.
          </p>
        )}
      </Show>
      <Show when={prepared.error}>
        <ErrorNote error={prepared.error} onRetry={refetch} />
      </Show>
      <Show
        when={ballot.room.closedCode() === null}
        fallback={
          <p class="error" role="alert">
            {closeMessage(ballot.room.closedCode() ?? 0, ballot.room.wasOpen())}
          </p>
        }
      >
        <RankingPanel ranking={roots.ranking} candidates={props.task.candidates} readOnly={locked()} />
        <RubricPanel
          ratings={roots.ratings}
          candidates={props.task.candidates}
          rubric={props.task.rubric}
          readOnly={locked()}
        />
        <div class="ballot-submit">
          <Show
            when={state.submitted()}
            fallback={
              <>
                <button
                  type="button"
                  class="primary"
                  disabled={busy() || props.readOnly || !state.complete()}
                  aria-describedby={`${uid}-gaps`}
                  onClick={() => void run(() => submitBallot(props.task.id))}
                >
                  Submit ballot
                </button>
                <span id={`${uid}-gaps`} class="muted small">
                  {describeGaps(state.gaps())}
                </span>
              </>
            }
          >
            <p class="ballot-done" role="status">
              Ballot submitted {submittedAt()}.
            </p>
            <Show when={!props.readOnly}>
              <button type="button" disabled={busy()} onClick={() => void run(() => withdrawBallot(props.task.id))}>
                Change ballot
              </button>
            </Show>
          </Show>
        </div>
      </Show>
      <Show when={error()}>
        <ErrorNote error={error()} />
      </Show>
    </section>
  )
}
