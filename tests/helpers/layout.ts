/** Layout measurements in a real page: editor lines, code columns, boxes, for the layout tests. */
import type { Page } from 'playwright-core'

/** A bounding box as the page reports it. */
export type Box = { x: number; y: number; width: number; height: number }

/** Visible lines and columns of the CodeMirror editor whose content is labelled `label`. */
export async function editorSize(page: Page, label: string): Promise<{ lines: number; columns: number }> {
  return page.evaluate((label) => {
    const content = [...document.querySelectorAll<HTMLElement>('.cm-content')].find(
      (el) => el.getAttribute('aria-label') === label,
    )
    if (!content) throw new Error(`no editor labelled ${label}`)
    const scroller = content.closest<HTMLElement>('.cm-scroller')!
    const line = content.querySelector<HTMLElement>('.cm-line') ?? content
    const style = getComputedStyle(line)
    const lineHeight = parseFloat(getComputedStyle(scroller).lineHeight)
    const ctx = document.createElement('canvas').getContext('2d')!
    ctx.font = `${style.fontSize} ${style.fontFamily}`
    const charWidth = ctx.measureText('x'.repeat(100)).width / 100
    const gutter = scroller.querySelector<HTMLElement>('.cm-gutters')?.offsetWidth ?? 0
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight)
    const usable = scroller.clientWidth - gutter - padding
    const contentPad = parseFloat(getComputedStyle(content).paddingTop) * 2
    return {
      lines: Math.floor((scroller.clientHeight - contentPad) / lineHeight),
      columns: Math.floor(usable / charWidth),
    }
  }, label)
}

/** True when two boxes share any area (touching edges do not count). */
export function overlaps(a: Box, b: Box): boolean {
  const eps = 0.5
  return (
    a.x + a.width - eps > b.x && b.x + b.width - eps > a.x &&
    a.y + a.height - eps > b.y && b.y + b.height - eps > a.y
  )
}
