/**
 * The workspace's three columns: the task (prompt, guidelines, candidates), the team's work (the
 * three editors) and the judgment (ranking, rubric, people). Every column has a fixed height and
 * every panel scrolls inside itself, so text arriving from others never moves a panel.
 */
import type { Component } from 'solid-js'
import type { Awareness } from 'y-protocols/awareness'
import type { TaskDetail } from '../../shared/types'
import type { Workspace } from '../../shared/schema'
import { PromptPanel } from './PromptPanel'
import { GuidelinesPanel } from './GuidelinesPanel'
import { CandidatesPanel } from './CandidatesPanel'
import { ExplanationPanel } from './ExplanationPanel'
import { CodeEditorPanel } from './CodeEditorPanel'
import { RankingPanel } from './RankingPanel'
import { RubricPanel } from './RubricPanel'
import { PresenceList } from './PresenceList'
import type { WorkspaceUi } from './workspaceUi'
import { ThreadsPanel } from './ThreadsPanel'
import { CommentsContext, createComments } from '../stores/comments'
import { useMe } from '../stores/session'
import type { UnsentText } from '../stores/unsentText'
import { UnsentTextPanel } from './UnsentTextPanel'
import { RunPanel } from './RunPanel'

export const WorkspaceGrid: Component<{
  task: TaskDetail
  ws: Workspace
  awareness: Awareness
  readOnly: boolean
  /** The live status says finalized: comments turn read-only too (DESIGN.md, "Rooms"). */
  finalized: boolean
  unsent: UnsentText
  ui: WorkspaceUi
}> = (props) => {
  const task = props.task
  const ws = props.ws
  // Comments (issue 10): one comments room per workspace; editors below pick it up from context.
  const comments = createComments(task.id, ws.explanation.doc!, useMe()(), () => props.finalized)
  comments.onShowCandidate((id) => props.ui.setTab(id))
  return (
    <CommentsContext.Provider value={comments}>
      {/* Above the grid, here because posting unsent text needs the comments room. */}
      <UnsentTextPanel unsent={props.unsent} comments={comments} />
      <div class="ws-grid">
        <div class="ws-col ws-task">
          <PromptPanel prompt={task.prompt} />
          <GuidelinesPanel
            guidelines={task.guidelines}
            rubric={task.rubric}
            open={props.ui.guidelinesOpen()}
            onToggle={props.ui.setGuidelinesOpen}
          />
          <CandidatesPanel
            candidates={task.candidates}
            language={task.language}
            notes={ws.notes}
            awareness={props.awareness}
            readOnly={props.readOnly}
            ui={props.ui}
          />
        </div>
        <div class="ws-col ws-work">
          <ExplanationPanel
            ytext={ws.explanation}
            awareness={props.awareness}
            readOnly={props.readOnly}
            preview={props.ui.preview()}
            onPreview={props.ui.setPreview}
          />
          <CodeEditorPanel
            label="Reference solution"
            area="solution"
            hotkey="s"
            ytext={ws.solution}
            awareness={props.awareness}
            language={task.language}
            readOnly={props.readOnly}
          />
          <CodeEditorPanel
            label="Tests"
            area="tests"
            hotkey="t"
            ytext={ws.tests}
            awareness={props.awareness}
            language={task.language}
            readOnly={props.readOnly}
          />
        </div>
        <aside class="ws-col ws-judge" aria-label="Judgment and people">
          <RankingPanel ranking={ws.ranking} candidates={task.candidates} readOnly={props.readOnly} />
          <RubricPanel
            ratings={ws.ratings}
            candidates={task.candidates}
            rubric={task.rubric}
            readOnly={props.readOnly}
          />
          <PresenceList awareness={props.awareness} />
          <ThreadsPanel store={comments} />
          {/* Issue 12 (runner): test runs matrix and derived checks. Last in the scrolling judge
              column so it squeezes no editor; the layout owner may move it. */}
          <RunPanel task={task} ws={ws} readOnly={props.readOnly} />
        </aside>
      </div>
    </CommentsContext.Provider>
  )
}
