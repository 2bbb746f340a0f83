/**
 * The workspace's columns: the task (prompt, guidelines, candidates), the team's work (the
 * editors) and the judgment (ranking, rubric, people). Wide windows show three columns, mid-size
 * ones put work and judgment in one scrolling column, narrow ones stack everything; the splits
 * drag and remember per person, and any pane can be shown alone (focus mode, `z`).
 */
import { createEffect, on, onCleanup } from 'solid-js'
import type { Accessor, Component } from 'solid-js'
import type { Awareness } from 'y-protocols/awareness'
import type { TaskDetail } from '../../../shared/types'
import type { Workspace } from '../../../shared/schema'
import { PromptPanel } from './editors/PromptPanel'
import { GuidelinesPanel } from './editors/GuidelinesPanel'
import { CandidatesPanel } from './candidates/CandidatesPanel'
import { ExplanationPanel } from './editors/ExplanationPanel'
import { CodeEditorPanel } from './editors/CodeEditorPanel'
import { RankingPanel } from './ranking/RankingPanel'
import { RubricPanel } from './rubric/RubricPanel'
import { PresenceList } from './presence/PresenceList'
import { BallotJudgment } from './ballot/BallotJudgment'
import type { WorkspaceUi } from './workspaceUi'
import { ThreadsPanel } from './comments/ThreadsPanel'
import { CommentsContext, createComments } from '../../stores/comments'
import { useMe } from '../../stores/session'
import type { UnsentText } from '../../stores/unsentText'
import { UnsentTextPanel } from './UnsentTextPanel'
import { createSplits } from '../../stores/splits'
import { SplitHandle } from './SplitHandle'
import { createFocusMode } from './focusMode'
import { COMPARE_TAB } from './workspaceUi'
import { ShortcutGroup, useShortcuts } from '../../stores/shortcuts'
import { tabPastPane } from '../../editor/tabFocus'
import '../../styles/layout.css'
import { RunPanel } from './runs/RunPanel'

export const WorkspaceGrid: Component<{
  task: TaskDetail
  /** Who is assigned, live from the meta room. */
  assignees: Accessor<string[]>
  ws: Workspace
  awareness: Awareness
  readOnly: boolean
  /** The live status says finalized: comments turn read-only too (docs/workspace.md, "Read-only"). */
  finalized: boolean
  unsent: UnsentText
  ui: WorkspaceUi
}> = (props) => {
  const task = props.task
  const ws = props.ws
  // Comments: one comments room per workspace; editors below pick it up from context.
  const comments = createComments(task.id, ws.explanation.doc!, useMe()(), () => props.finalized)
  comments.onShowCandidate((id) => props.ui.setTab(id))
  const me = useMe()()
  const splits = createSplits(me.id)
  const focus = createFocusMode()
  let grid: HTMLDivElement | undefined
  let taskCol: HTMLDivElement | undefined
  let judgeCol: HTMLElement | undefined
  const gridBox = () => grid?.getBoundingClientRect() ?? new DOMRect(0, 0, 1, 1)
  const style = () => {
    const { taskPct, judgePx } = splits.splits()
    return {
      ...(taskPct !== null ? { '--task-w': `${taskPct}%` } : {}),
      ...(judgePx !== null ? { '--judge-w': `${judgePx}px` } : {}),
    }
  }
  // Compare opens wide: the candidates pane alone, full width; leaving Compare ends it.
  let candidatesPane: HTMLElement | null = null
  createEffect(
    on(props.ui.tab, (tab) => {
      candidatesPane ??= grid?.querySelector<HTMLElement>('.candidates-pane') ?? null
      if (tab === COMPARE_TAB && candidatesPane) focus.enter(candidatesPane)
      else if (focus.pane() === candidatesPane) focus.leave()
    }, { defer: true }),
  )
  window.addEventListener('keydown', tabPastPane)
  onCleanup(() => window.removeEventListener('keydown', tabPastPane))
  useShortcuts([
    {
      keys: ['z', 'Alt+Shift+Z'],
      label: 'Show the current pane alone, full width, or go back',
      group: ShortcutGroup.view,
      run: () => {
        if (focus.pane()) {
          if (props.ui.tab() === COMPARE_TAB) props.ui.closeCompare()
          focus.leave()
          return
        }
        const pane = focus.paneOf(document.activeElement)
        if (pane) focus.enter(pane)
      },
    },
    {
      keys: ['Escape'],
      label: 'Leave Compare or the full-width pane',
      group: ShortcutGroup.view,
      when: () => focus.pane() !== null,
      run: () => {
        if (props.ui.tab() === COMPARE_TAB) props.ui.closeCompare()
        focus.leave()
      },
    },
  ])
  return (
    <CommentsContext.Provider value={comments}>
      {/* Above the grid, here because posting unsent text needs the comments room. */}
      <UnsentTextPanel unsent={props.unsent} comments={comments} />
      <div
        ref={grid}
        class="ws-grid"
        style={style()}
        data-focus-mode={focus.pane() ? '' : undefined}
        onFocusIn={(e) => focus.track(e.target as Element)}
      >
        <div ref={taskCol} class="ws-col ws-task">
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
        <SplitHandle
          label="Resize the task column"
          which="taskPct"
          store={splits}
          direction={1}
          measure={() => ((taskCol?.offsetWidth ?? 0) / gridBox().width) * 100}
          fromPointer={(x) => ((x - gridBox().left) / gridBox().width) * 100}
        />
        {/* One scrolling column at mid widths; `display: contents` in three columns. */}
        <div class="ws-side">
        <div class="ws-col ws-work">
          <ExplanationPanel
            ytext={ws.explanation}
            awareness={props.awareness}
            readOnly={props.readOnly}
            preview={props.ui.preview()}
            language={task.language}
            onPreview={props.ui.setPreview}
          />
          <CodeEditorPanel
            label="Reference solution"
            area="solution"
            hotkey="s"
            placeholder="The team's solution; the tests below must pass it."
            ytext={ws.solution}
            awareness={props.awareness}
            language={task.language}
            readOnly={props.readOnly}
          />
          <CodeEditorPanel
            label="Tests"
            area="tests"
            hotkey="t"
            placeholder="Test cases, edge cases included."
            ytext={ws.tests}
            awareness={props.awareness}
            language={task.language}
            readOnly={props.readOnly}
          />
        </div>
        <SplitHandle
          label="Resize the judgment column"
          which="judgePx"
          store={splits}
          direction={-1}
          measure={() => judgeCol?.offsetWidth ?? 0}
          fromPointer={(x) => gridBox().right - x}
        />
        <aside ref={judgeCol} class="ws-col ws-judge" aria-label="Judgment and people">
          {/* Independent mode: a private ballot, or the lead's agreement view, before the shared judgment. */}
          <BallotJudgment task={task} assignees={props.assignees} ranking={ws.ranking} readOnly={props.readOnly}>
            <RankingPanel ranking={ws.ranking} candidates={task.candidates} readOnly={props.readOnly} />
            <RubricPanel
              ratings={ws.ratings}
              candidates={task.candidates}
              rubric={task.rubric}
              readOnly={props.readOnly}
            />
          </BallotJudgment>
          <PresenceList awareness={props.awareness} />
          <ThreadsPanel store={comments} />
          {/* The test runs matrix and derived checks: last in the scrolling judge column so it
              squeezes no editor. */}
          <RunPanel task={task} ws={ws} readOnly={props.readOnly} />
        </aside>
        </div>
      </div>
    </CommentsContext.Provider>
  )
}
