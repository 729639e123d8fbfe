import { app } from "./app";

export { RoomObject } from "./rooms/room-object";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
