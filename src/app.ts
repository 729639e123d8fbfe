import { createRouter } from "./router";
import { errorResponse } from "./errors";
import { healthRoutes } from "./health/routes";
import { mountDocs } from "./docs/routes";

/** The HTTP surface: every capability's routes mounted at the paths the front ends call. */
export const app = createRouter();

app.route("/", healthRoutes);

app.notFound((c) => c.json({ error: "Not found" }, 404));
app.onError(errorResponse);

mountDocs(app);
