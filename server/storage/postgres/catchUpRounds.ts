/**
 * One catch-up round at a time: a call made while a round runs shares it and asks for one more
 * round after it (what was written during the round is read by the next), so any number of
 * hints and polls cost at most two rounds.
 */
export class CatchUpRounds {
  private running: Promise<void> | null = null
  private again = false

  constructor(
    private readonly round: () => Promise<void>,
    private readonly stopped: () => boolean,
  ) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = this.round().finally(() => {
      this.running = null
      if (this.again && !this.stopped()) {
        this.again = false
        void this.run().catch(() => {})
      }
    })
    return this.running
  }
}
