/** A room bus subscriber that keeps everything it is told, for tests to wait on and compare. */
import type { BusMessage, BusSubscriber } from '../../server/storage/roomBus'

export class BusRecorder implements BusSubscriber {
  readonly messages: BusMessage[] = []
  readonly gaps: (string | null)[] = []
  readonly bad: { id: string; problem: string }[] = []

  onMessage(message: BusMessage): void {
    this.messages.push(message)
  }

  onGap(afterId: string | null): void {
    this.gaps.push(afterId)
  }

  onBadEntry(id: string, problem: string): void {
    this.bad.push({ id, problem })
  }

  /** The payloads as text, in the order they came. */
  texts(): string[] {
    return this.messages.map((m) => Buffer.from(m.payload).toString('utf8'))
  }

  ids(): string[] {
    return this.messages.map((m) => m.id)
  }
}

/** Bytes of a text, for payloads. */
export function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'))
}
