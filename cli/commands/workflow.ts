/** `codejury submit|request-changes|finalize|reopen ID`: the workflow's actions from a terminal. */
import * as v from 'valibot'
import { ID_RE } from '../../shared/roomNames'
import { formatIssues } from '../../shared/validation'
import { FinalizeSchema, RequestChangesSchema } from '../../shared/workflow'
import type { FinalizeReason } from '../../shared/workflow'
import type { Call } from '../apiClient'
import { CliError, ExitCode } from '../cliError'
import { formatFields, toPrintable } from '../format'
import type { Command, CommandContext } from '../types'

interface TaskState {
  id: string
  status: string
  revision: number
  error?: string
}

function taskId(ctx: CommandContext): string {
  const id = ctx.args[0]
  if (!ID_RE.test(id)) throw new CliError(`"${toPrintable(id)}" is not a task id (1–64 letters, digits, _ or -)`, ExitCode.usage)
  return id
}

/** POSTs an action; 400, 404 and 409 answers are the user's to read, so they become one-line errors. */
function post<T>(ctx: CommandContext, call: Call) {
  return ctx.api.json<T & { error?: string }>(call, { accept: [400, 404, 409] })
}

function printState(ctx: CommandContext, state: TaskState): number {
  if (ctx.json) ctx.out(JSON.stringify(state, null, 2))
  else ctx.out(formatFields([['task', state.id], ['status', state.status], ['revision', state.revision]]))
  return ExitCode.ok
}

function refused(status: number, data: { error?: string; reasons?: FinalizeReason[] }, id: string): never {
  if (status === 404) throw new CliError(`no task "${toPrintable(id)}"`)
  // A refused submit lists what is missing, as a refused finalize does.
  const reasons = Array.isArray(data.reasons) ? data.reasons.map((r) => `  - ${toPrintable(r.message)}`).join('\n') : undefined
  throw new CliError(`the server refused: ${toPrintable(data.error ?? status)}`, ExitCode.failed, reasons)
}

/** One simple action: POST, then print the task's new status. */
function simpleAction(name: string, action: 'submit' | 'reopen', summary: string, help: string): Command {
  return {
    words: [name],
    usage: `codejury ${name} ID`,
    summary,
    help,
    options: {},
    positionals: { min: 1, max: 1 },
    async run(ctx) {
      const id = taskId(ctx)
      const { status, data } = await post<TaskState>(ctx, (r) => r.api.tasks[':id'][action].$post({ param: { id } }))
      if (status !== 200) refused(status, data, id)
      return printState(ctx, data)
    },
  }
}

export const submit = simpleAction(
  'submit',
  'submit',
  "hand an assigned annotator's work to the lead",
  'Moves the task to "submitted". Needs the token of an annotator assigned to the task (--token).',
)

export const reopen = simpleAction(
  'reopen',
  'reopen',
  'reopen a finalized task as its next revision',
  'Moves a finalized task back to "in progress" at revision + 1; the finalized revision stays as it was.',
)

/** `request-changes ID --message M`. */
export const requestChanges: Command = {
  words: ['request-changes'],
  usage: 'codejury request-changes ID --message MESSAGE',
  summary: 'send submitted work back to the annotators with a message',
  help: 'Moves a submitted task to "changes requested"; the message is shown to everyone on the task.',
  options: { message: { type: 'string', short: 'm' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const id = taskId(ctx)
    const input = v.safeParse(RequestChangesSchema, { message: ctx.values.message ?? '' })
    if (!input.success) throw new CliError(`--message ${formatIssues(input.issues).join('; ')}`, ExitCode.usage)
    const { status, data } = await post<TaskState>(ctx, (r) =>
      r.api.tasks[':id']['request-changes'].$post({ param: { id }, json: input.output }),
    )
    if (status !== 200) refused(status, data, id)
    return printState(ctx, data)
  },
}

/** `finalize ID`: prints the record's revision and hash, or every reason it is not ready. */
export const finalize: Command = {
  words: ['finalize'],
  usage: 'codejury finalize ID [--override-note NOTE]',
  summary: 'finalize a task into an immutable review record',
  help: [
    'Seals the current revision into its review record and makes the task read-only. When the',
    'work is not complete, prints every reason (exit code 1) and changes nothing.',
    'Reasons that come from the test runs (a suite failing the reference solution, a ranking the',
    'runs contradict) give way to --override-note, a written reason stored in the record.',
  ].join('\n'),
  options: { 'override-note': { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const id = taskId(ctx)
    const raw = ctx.values['override-note']
    const input = v.safeParse(FinalizeSchema, raw === undefined ? {} : { override_note: raw })
    if (!input.success) throw new CliError(`--override-note ${formatIssues(input.issues).join('; ')}`, ExitCode.usage)
    const note = input.output.override_note
    const { status, data } = await post<{ revision: number; record_hash: string; reasons?: FinalizeReason[] }>(ctx, (r) =>
      r.api.tasks[':id'].finalize.$post(
        { param: { id } },
        // The route reads its optional body itself (no validator), so it is sent as is.
        note === undefined
          ? undefined
          : { headers: { 'content-type': 'application/json' }, init: { body: JSON.stringify({ override_note: note }) } },
      ),
    )
    if (status === 409 && Array.isArray(data.reasons)) {
      if (ctx.json) ctx.out(JSON.stringify({ error: data.error, reasons: data.reasons }, null, 2))
      else {
        const lines = data.reasons.map((r) => `  - ${toPrintable(r.message)}${r.overridable ? ' (overridable with --override-note)' : ''}`)
        ctx.err([`codejury: ${id} is not ready to finalize:`, ...lines].join('\n'))
      }
      return ExitCode.failed
    }
    if (status !== 200) refused(status, data, id)
    if (ctx.json) ctx.out(JSON.stringify(data, null, 2))
    else ctx.out(formatFields([['task', id], ['status', 'finalized'], ['revision', data.revision], ['record_hash', data.record_hash]]))
    return ExitCode.ok
  },
}
