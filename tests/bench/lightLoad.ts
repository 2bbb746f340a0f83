/**
 * The light load: 50 rooms × 6 clients × 2 edits/s, one round per call, so that run.ts can
 * alternate servers round by round on a noisy machine.
 */
import { measure, type RunRow } from './measure'
import type { ServerAdapter } from './servers/adapters'
import { connectAll, newIds, start, stop, type Ctx } from './workloads'

/**
 * One round on a fresh server process with its default storage (codejury: disk, as deployed): the
 * clients join, then one measurement window. At this load nothing is near a limit, so the row
 * shows what a server adds to every keystroke.
 */
export async function sessionLight(
  ctx: Ctx,
  adapter: ServerAdapter,
  round: number,
): Promise<RunRow> {
  const { plan, lg } = ctx
  const p = plan.light
  const srv = await start(ctx, adapter, adapter.defaultStorage)
  try {
    const rooms = await srv.createRooms('light', p.rooms)
    const specs = rooms.map((room) => newIds(p.clients).map((id) => srv.clientSpec(id, room)))
    await connectAll(ctx, specs.flat())
    ctx.log(`  light round ${round + 1}`)
    return await measure(ctx, srv, {
      workload: `light round ${round + 1}`,
      senders: specs.flat().map((s) => s.id),
      ratePerSec: p.ratePerSec,
      presence: false,
      warmupS: p.warmupS,
      measureS: p.measureS,
      receiversByRoom: new Map(rooms.map((r) => [r, p.clients])),
    })
  } finally {
    await lg.call({ op: 'close' })
    await stop(srv)
  }
}
