/**
 * The judgment column's choice in an independent batch: an assigned annotator sees "Your ballot"
 * until the lead merges the ballots (the shared ranking is then no longer empty), and the team's
 * shared panels after; a lead sees the live agreement above the shared panels. A collaborative
 * batch, or anyone else, sees the shared panels (`children`) unchanged.
 */
import { Show } from 'solid-js'
import type { Accessor, Component, JSX } from 'solid-js'
import type * as Y from 'yjs'
import type { TaskDetail } from '../../../api'
import { useMe } from '../../../stores/session'
import { createPlacedCount } from '../../../stores/ballot'
import { BallotPanel } from './BallotPanel'
import { AgreementPanel } from './AgreementPanel'

/** Chooses ballot, agreement or the shared panels (`children`) for the signed-in user. */
export const BallotJudgment: Component<{
  task: TaskDetail
  assignees: Accessor<string[]>
  ranking: Y.Array<string>
  readOnly: boolean
  children: JSX.Element
}> = (props) => {
  const me = useMe()
  const independent = props.task.mode === 'independent'
  const balloting = independent && me().role === 'annotator' && props.task.assignees.includes(me().id)
  const leading = independent && me().role === 'lead'
  const merged = createPlacedCount(props.ranking, props.task.candidates.map((c) => c.id))
  return (
    <>
      <Show when={leading}>
        <AgreementPanel task={props.task} assignees={props.assignees} ranking={props.ranking} readOnly={props.readOnly} />
      </Show>
      <Show when={balloting && merged() === 0} fallback={props.children}>
        <BallotPanel task={props.task} readOnly={props.readOnly} />
      </Show>
    </>
  )
}
