import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Test files run in their own processes, the Worker in the global setup's. This tiny server on
 * 127.0.0.1 lets them seed and read the Worker's local D1 (POST /sql). Test-only: it exists for
 * the length of a browser-test run and needs the random key the setup hands to test files.
 */
export async function startControlServer(sql: (statements: string[]) => Promise<unknown[][]>) {
  const key = randomBytes(16).toString("hex");
  const server = createServer(async (request, response) => {
    if (request.method !== "POST" || request.url !== "/sql" || request.headers["x-control-key"] !== key) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      const { statements } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { statements: string[] };
      const results = await sql(statements);
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(results));
    } catch (error) {
      response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: String(error) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    key,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
