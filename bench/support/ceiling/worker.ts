/**
 * The least a webhook into a room can cost in workerd: the Worker reads the body and hands it to
 * the room's Durable Object (`idFromName`, an RPC call, as ours does), which stores it as one
 * row and answers. No signature, no parsing, no D1: bench:webhooks prints ours against this.
 */
import { DurableObject } from "cloudflare:workers";

type CeilingEnv = { ROOMS: DurableObjectNamespace<CeilingRoom> };

export class CeilingRoom extends DurableObject<CeilingEnv> {
  constructor(ctx: DurableObjectState, env: CeilingEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }

  receive(body: string): string {
    this.ctx.storage.sql.exec("INSERT INTO events (body) VALUES (?)", body);
    return "applied";
  }
}

export default {
  async fetch(request, env) {
    const room = new URL(request.url).searchParams.get("room") ?? "";
    const delivery = await env.ROOMS.getByName(room).receive(await request.text());
    return Response.json({ delivery });
  },
} satisfies ExportedHandler<CeilingEnv>;
