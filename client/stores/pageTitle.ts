/** The browser tab's title: the page, and on a workspace the task, so many open tabs stay apart. */
import { createEffect, createSignal, onCleanup } from 'solid-js'

const [taskTitle, setTaskTitle] = createSignal<string | null>(null)

/** The name of a page path: what the tab says before the product name. */
export function pageName(path: string): string {
  if (path === '/') return 'Your tasks'
  if (path === '/lead' || path.startsWith('/lead/')) return 'Lead dashboard'
  if (path.startsWith('/tasks/')) return `Task ${decodeURIComponent(path.slice('/tasks/'.length))}`
  return 'Not found'
}

/** Names the open task in the tab title while the caller lives (the workspace). */
export function useTaskTitle(title: () => string): void {
  createEffect(() => setTaskTitle(title()))
  onCleanup(() => setTaskTitle(null))
}

/** Keeps `document.title` in step with the page (call once, in the shell). */
export function usePageTitle(path: () => string, signedOut: () => boolean): void {
  createEffect(() => {
    const p = path()
    const name = signedOut() ? 'Sign in' : (p.startsWith('/tasks/') && taskTitle()) || pageName(p)
    document.title = `${name} · codejury`
  })
}
