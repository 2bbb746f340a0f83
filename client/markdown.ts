/** renderMarkdown: the one way user-written markdown becomes HTML (marked, then DOMPurify). */
import { Marked } from 'marked'
import DOMPurify from 'dompurify'

// Raw HTML in the source is dropped before sanitizing: prompts and guidelines come from imports
// and teammates, so `<script>` or `<img onerror>` must never reach the page, not even escaped.
const marked = new Marked({
  async: false,
  gfm: true,
  breaks: false,
  renderer: { html: () => '' },
})

let hooked = false

// Links open outside the workspace and cannot reach back into it (window.opener).
function hookLinks(): void {
  if (hooked) return
  hooked = true
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName !== 'A' || !node.hasAttribute('href')) return
    node.setAttribute('target', '_blank')
    node.setAttribute('rel', 'noopener noreferrer')
  })
}

/**
 * Markdown → sanitized HTML. Its result is the only string the client ever assigns to innerHTML:
 * raw HTML blocks and inline tags are removed by the renderer, and DOMPurify strips whatever
 * markdown itself could smuggle in (`javascript:` links, event attributes).
 */
export function renderMarkdown(text: string): string {
  hookLinks()
  const html = marked.parse(text) as string
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'button', 'textarea', 'select', 'iframe'],
    FORBID_ATTR: ['style'],
  })
}
