import { startWorker } from "./support/start-worker";
const w = await startWorker(process.cwd());
await w.dispose();
