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

/**
 * Whether `url` points at a sign-in address (`/signin…`, however spelled: relative, absolute,
 * percent-encoded or in another case). Such a URL is never loaded by the page itself: an image
 * pointing there would be fetched by everyone who reads the text.
 */
export function isSigninUrl(url: string): boolean {
  let path: string
  try {
    path = new URL(url, document.baseURI).pathname
  } catch {
    return false
  }
  try {
    path = decodeURIComponent(path)
  } catch {
    // a malformed escape: compare the raw path
  }
  return /^\/+signin(\/|$)/i.test(path)
}

function addHooks(): void {
  if (hooked) return
  hooked = true
  // Links open outside the workspace and cannot reach back into it (window.opener).
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName !== 'A' || !node.hasAttribute('href')) return
    node.setAttribute('target', '_blank')
    node.setAttribute('rel', 'noopener noreferrer')
  })
  // An image of a sign-in address is dropped whole; a link to one stays a plain link.
  DOMPurify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName !== 'img' || !(node instanceof Element)) return
    const src = node.getAttribute('src')
    const srcset = node.getAttribute('srcset') ?? ''
    const urls = [src ?? '', ...srcset.split(',').map((part) => part.trim().split(/\s+/)[0] ?? '')]
    if (urls.some((u) => u && isSigninUrl(u))) node.remove()
  })
}

/**
 * Markdown → sanitized HTML. Its result is the only string the client ever assigns to innerHTML:
 * raw HTML blocks and inline tags are removed by the renderer, and DOMPurify strips whatever
 * markdown itself could smuggle in (`javascript:` links, event attributes). Images of sign-in
 * addresses are dropped, so no text makes its readers' browsers load a sign-in link.
 */
export function renderMarkdown(text: string): string {
  addHooks()
  const html = marked.parse(text) as string
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'button', 'textarea', 'select', 'iframe'],
    FORBID_ATTR: ['style'],
  })
}
