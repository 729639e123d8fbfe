import { describe, expect, test } from "vitest";
import {
  expectAccessible,
  expectNoConsoleErrors,
  launchBrowser,
  openPage,
  refusedRequest,
  statusRegion,
  useBrowser,
} from "./support/browser";
import { createAppointment, createUser } from "./support/db";
import { tokenFor } from "./support/jwt";
import { personalLink } from "./support/sessions";

const browser = useBrowser();

describe("getting into a session", () => {
  test("too early: a countdown to the room's opening, Join off until then, then on by itself", async () => {
    const psychologist = await createUser("psychologist", { name: "Dr Early" });
    const patient = await createUser("patient", { name: "Pat Early" });
    // The room opens 15 minutes before the start: here, 8 seconds from now on the Worker's (real) clock
    // (room enough for a page to load on a busy machine before it opens).
    const appointment = await createAppointment({ psychologist, patient, startsInSeconds: 15 * 60 + 8 });
    const { page, errors, context } = await openPage(browser());

    await page.goto(await personalLink(appointment, patient));
    await page.getByRole("heading", { level: 1, name: "Session with Dr Early" }).waitFor();
    await expect.poll(() => statusRegion(page).textContent()).toBe("The room is not open yet");
    const countdown = page.locator("#opens-countdown");
    await expect.poll(() => countdown.textContent()).toMatch(/^The room opens at .+, in 0:0[1-8]\s*[1-8] seconds?$/);
    const join = page.getByRole("button", { name: "Join", exact: true });
    expect(await join.isDisabled()).toBe(true);
    // The countdown is the Join button's description, so a screen reader hears why it is off.
    expect(await join.getAttribute("aria-describedby")).toBe("opens-countdown");
    await expectAccessible(page, "the green room before it opens");

    // The room opens: the page reads the session again, gets its connection, and Join turns on.
    await expect.poll(() => join.isEnabled(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => statusRegion(page).textContent()).toBe("Waiting for Dr Early");
    expect(await countdown.count()).toBe(0);
    expectNoConsoleErrors(errors);
    await context.close();
  });

  test("camera and microphone blocked: specific help, and joining without them still works", async () => {
    const psychologist = await createUser("psychologist", { name: "Dr Blocked" });
    const patient = await createUser("patient", { name: "Pat Blocked" });
    const appointment = await createAppointment({ psychologist, patient, startsInSeconds: 60 });
    // A browser without the automatic "Allow": Chromium refuses getUserMedia as if the person clicked "Block".
    const blocking = await launchBrowser({ grantMedia: false });
    try {
      const { page, errors } = await openPage(blocking);
      await page.goto(await personalLink(appointment, patient));

      const help = page.getByRole("region", { name: "Device problems" });
      await help.getByRole("heading", { level: 3, name: "Your browser is blocking the camera and microphone" }).waitFor();
      expect(await help.getByRole("listitem").first().textContent()).toMatch(/allow the camera for this site/);
      expect(await page.getByText("Your camera is off").count()).toBe(1);
      const microphone = page.getByRole("button", { name: "Microphone", exact: true });
      expect(await microphone.getAttribute("aria-pressed")).toBe("false");
      expect(await page.getByRole("button", { name: "Camera", exact: true }).getAttribute("aria-pressed")).toBe("false");
      await expectAccessible(page, "the green room with devices blocked");

      // Still possible to join, with nothing published.
      const join = page.getByRole("button", { name: "Join", exact: true });
      await expect.poll(() => join.isEnabled()).toBe(true);
      await join.click();
      await expect.poll(() => statusRegion(page).textContent()).toBe("You're in the room. Waiting for Dr Blocked to join");
      const [connect] = (await page.evaluate(() => window.__videoSdkControl.callsTo("twilio", "connect"))) as Array<{ tracks: unknown[] }>;
      expect(connect?.tracks).toEqual([]);
      expectNoConsoleErrors(errors);
    } finally {
      await blocking.close();
    }
  });

  test("a link's scoped token opens its own session only: 403 on another session and on other routes", async () => {
    const psychologist = await createUser("psychologist", { name: "Dr Scope" });
    const patient = await createUser("patient", { name: "Pat Scope" });
    const own = await createAppointment({ psychologist, patient, startsInSeconds: 60 });
    const other = await createAppointment({ psychologist, patient, startsInSeconds: 3 * 3600 });
    const { page, errors, context } = await openPage(browser());

    await page.goto(await personalLink(own, patient));
    await page.getByRole("heading", { level: 1, name: "Session with Dr Scope" }).waitFor();

    // From the page itself, with the token the link was exchanged for (kept in this tab only).
    const statuses = await page.evaluate(
      async ({ ownRoom, otherRoom, otherId }) => {
        const token = sessionStorage.getItem(`telehealth.jwt.room.${ownRoom}`);
        const get = async (path: string, init: RequestInit = {}) =>
          (await fetch(path, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } })).status;
        return {
          hasToken: typeof token === "string" && token.length > 0,
          ownSession: await get(`/api/video-sessions/${ownRoom}/`),
          otherSession: await get(`/api/video-sessions/${otherRoom}/`),
          otherRefresh: await get(`/api/video-sessions/${otherRoom}/refresh/`, { method: "POST", body: "{}" }),
          otherEvents: await get(`/api/appointments/video-status/${otherId}/`),
          me: await get("/api/users/me"),
          schedule: await get("/api/appointments/patient/schedule/"),
          appointments: await get("/api/appointments/"),
        };
      },
      { ownRoom: own.roomName, otherRoom: other.roomName, otherId: other.id },
    );
    expect(statuses).toEqual({
      hasToken: true,
      ownSession: 200,
      otherSession: 403,
      otherRefresh: 403,
      otherEvents: 403,
      me: 403,
      schedule: 403,
      appointments: 403,
    });
    expectNoConsoleErrors(errors, [refusedRequest(403, /\/api\//)]);
    await context.close();
  });

  test("a tampered link and a stranger's room: clear pages, no session shown", async () => {
    const psychologist = await createUser("psychologist", { name: "Dr Tamper" });
    const patient = await createUser("patient", { name: "Pat Tamper" });
    const appointment = await createAppointment({ psychologist, patient, startsInSeconds: 60 });
    const { page, errors, context } = await openPage(browser());

    const link = await personalLink(appointment, patient);
    await page.goto(`${link.slice(0, -3)}AAA`);
    await page.getByRole("heading", { level: 1, name: "This link is no longer valid" }).waitFor();
    await page.getByText("This link is not valid").waitFor();

    // No link and no sign-in: told how to get in.
    await page.goto(`/video-session/${appointment.roomName}`);
    await page.getByRole("heading", { level: 1, name: "Open your session from your personal link" }).waitFor();
    await expectAccessible(page, "the signed-out page");

    // Someone else, signed in through the dashboard, opening this room: the same 404 as an unknown room.
    const stranger = await createUser("patient", { name: "Someone Else" });
    await page.goto(`/dashboard#token=${tokenFor(stranger)}`);
    await page.getByText("Signed in as Someone Else.").waitFor();
    await page.goto(`/video-session/${appointment.roomName}`);
    await page.getByRole("heading", { level: 1, name: "Session not found" }).waitFor();
    expect(await page.getByText("Dr Tamper").count()).toBe(0);
    expectNoConsoleErrors(errors, [refusedRequest(403, /\/redeem\//), refusedRequest(404, /\/api\/video-sessions\//)]);
    await context.close();
  });
});
