/** The error an async call rejects with; fails the test, naming `what`, when it resolves instead. */
export async function rejection(run: () => Promise<unknown>, what: string): Promise<Error> {
  let result: unknown
  try {
    result = await run()
  } catch (err) {
    if (err instanceof Error) return err
    throw new Error(`${what}: rejected with a non-Error ${String(err)}`)
  }
  throw new Error(`${what}: expected a rejection, resolved with ${JSON.stringify(result)}`)
}
