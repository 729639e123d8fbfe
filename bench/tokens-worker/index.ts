/**
 * The Worker `npm run bench:tokens` starts in workerd: `GET /?work=<name>&inFlight=64&sampleMs=1000`
 * runs one of bench/support/token-work.ts's builders or steps for the sample and answers its
 * calls per second. Timed inside the Worker: the request's own round trip (tens of
 * milliseconds on a loaded machine) would otherwise swamp the cheaper steps.
 */
import { opsPerSecond, ourBuilders, steps, type Work } from "../support/token-work";

const work: Record<string, Work> = { ...ourBuilders, ...steps };

export default {
  async fetch(request: Request): Promise<Response> {
    const query = new URL(request.url).searchParams;
    const chosen = work[query.get("work") ?? ""];
    if (!chosen) return new Response(`work is one of: ${Object.keys(work).join(", ")}`, { status: 404 });
    return Response.json(await opsPerSecond(chosen, Number(query.get("inFlight")), Number(query.get("sampleMs"))));
  },
} satisfies ExportedHandler;
