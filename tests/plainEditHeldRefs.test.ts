/**
 * Yjs asks every struct of an update for its dependencies (Item.getMissing), those the room holds
 * already included, and dereferences an origin of the struct's own client without checking it:
 * it assumes the client's earlier clocks are integrated. A struct whose origin is past what the
 * room holds, on a struct the room holds (a "no-op"), or one of its own client at or after its
 * own clock, makes Y.applyUpdate throw (or park structs) halfway through an update both checks
 * had accepted.
 *
 * The bytes (V1), for a room holding clocks 0..5 of client 100 ("hello" then "S"):
 *   01 01 64 05 84 64 32 01 53 00
 * one client, one struct, client 100 at clock 5 (held), info 0x84 (a string after an origin),
 * origin 100:50 (past the room), content "S"; an empty delete set.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { WorkspaceRoot } from '../shared/schema'
import { WORKSPACE_TEXTS, checkUpdate } from '../server/sync/updateIntegrity'
import { SERVER_ROOTS } from '../server/sync/writeRules'
import { checkPlainEdit } from '../server/sync/plainEdit'

const test = suite('plain edit: dependencies of every struct')
const FORBIDDEN: ReadonlySet<string> = new Set(SERVER_ROOTS)
const anyone = () => true

interface Struct {
  clock: number
  str: string
  origin?: Y.ID
  parent?: string
}

/** One client's string structs, each after an origin or under a root, and no deletes (V1). */
function structs(client: number, list: Struct[]): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 1)
  encoding.writeVarUint(enc, list.length)
  encoding.writeVarUint(enc, client)
  encoding.writeVarUint(enc, list[0].clock)
  for (const s of list) {
    encoding.writeUint8(enc, s.origin ? 0x84 : 0x04)
    if (s.origin) {
      encoding.writeVarUint(enc, s.origin.client)
      encoding.writeVarUint(enc, s.origin.clock)
    } else {
      encoding.writeVarUint(enc, 1)
      encoding.writeVarString(enc, s.parent ?? WorkspaceRoot.explanation)
    }
    encoding.writeVarString(enc, s.str)
  }
  encoding.writeVarUint(enc, 0)
  return encoding.toUint8Array(enc)
}

function room(): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = 100
  doc.getText(WorkspaceRoot.explanation).insert(0, 'hello')
  doc.getText(WorkspaceRoot.solution).insert(0, 'S')
  return doc
}

/** Whether Y.applyUpdate integrates `update` whole: no throw, nothing left pending. */
function appliesCleanly(doc: Y.Doc, update: Uint8Array): boolean {
  try {
    Y.applyUpdate(doc, update)
  } catch {
    return false
  }
  return doc.store.pendingStructs === null && doc.store.pendingDs === null
}

test('a held struct whose origin is past the room is refused by both paths', () => {
  const doc = room()
  const honest = structs(100, [{ clock: 5, str: 'S', origin: Y.createID(100, 4) }])
  const hostile = structs(100, [{ clock: 5, str: 'S', origin: Y.createID(100, 50) }])
  assert.is(Buffer.from(hostile).toString('hex'), '01016405846432015300', 'the bytes named above')
  // Positive control: the honest resend of a held struct is a no-op both paths accept, and Yjs too.
  assert.equal(checkPlainEdit(honest, doc, { mayWrite: anyone }, 'u1', FORBIDDEN), [])
  assert.ok(checkUpdate(honest, doc, anyone, WORKSPACE_TEXTS).ok)
  assert.ok(appliesCleanly(room(), honest))
  assert.not.ok(appliesCleanly(room(), hostile), 'Yjs cannot integrate it')
  assert.is(checkPlainEdit(hostile, doc, { mayWrite: anyone }, 'u1', FORBIDDEN), null, 'not accepted fast')
  assert.not.ok(checkUpdate(hostile, doc, anyone, WORKSPACE_TEXTS).ok, 'refused')
})

test('a held struct whose origin is another client past the room is refused by both paths', () => {
  const doc = room()
  const hostile = structs(100, [{ clock: 5, str: 'S', origin: Y.createID(7, 3) }])
  assert.not.ok(appliesCleanly(room(), hostile), 'Yjs parks it')
  assert.is(checkPlainEdit(hostile, doc, { mayWrite: anyone }, 'u1', FORBIDDEN), null, 'not accepted fast')
  assert.not.ok(checkUpdate(hostile, doc, anyone, WORKSPACE_TEXTS).ok, 'refused')
})

test('a new struct whose origin is a later clock of its own client is refused', () => {
  const doc = room()
  // Positive control: two new structs of client 5, the second after the first.
  const honest = structs(5, [{ clock: 0, str: 'a' }, { clock: 1, str: 'b', origin: Y.createID(5, 0) }])
  assert.ok(checkUpdate(honest, doc, anyone, WORKSPACE_TEXTS).ok)
  assert.ok(appliesCleanly(room(), honest))
  // The first after the second: in the update, but not yet integrated when Yjs reaches the first.
  const hostile = structs(5, [{ clock: 0, str: 'a', origin: Y.createID(5, 1) }, { clock: 1, str: 'b' }])
  assert.not.ok(appliesCleanly(room(), hostile), 'Yjs cannot integrate it')
  assert.is(checkPlainEdit(hostile, doc, { mayWrite: anyone }, 'u1', FORBIDDEN), null, 'not accepted fast')
  assert.not.ok(checkUpdate(hostile, doc, anyone, WORKSPACE_TEXTS).ok, 'refused')
})

test.run()
