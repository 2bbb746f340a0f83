/** Languages a task may be written in; the client maps each to a CodeMirror highlighter. */
export const LANGUAGES = [
  'python', 'javascript', 'typescript', 'java', 'c', 'cpp', 'csharp', 'go', 'rust',
  'sql', 'php', 'ruby', 'swift', 'kotlin', 'shell',
] as const
export type Language = (typeof LANGUAGES)[number]

