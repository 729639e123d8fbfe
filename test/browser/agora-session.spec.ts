import { describe, expect, test } from "vitest";
import { expectAccessible, expectNoConsoleErrors, openPage, statusRegion, useBrowser } from "./support/browser";
import { createAppointment, createUser } from "./support/db";
import { personalLink } from "./support/sessions";

const browser = useBrowser();

describe("an Agora session from a personal link", () => {
  test("the psychologist joins, the patient arrives, the token is renewed in the call, the patient leaves, reconnecting", async () => {
    const psychologist = await createUser("psychologist", { name: "Dr Lin Agora" });
    const patient = await createUser("patient", { name: "Kim Patient" });
    const appointment = await createAppointment({ psychologist, patient, startsInSeconds: 2 * 60, provider: "agora" });
    const { page, errors, context } = await openPage(browser());
    const status = statusRegion(page);
    const agoraCalls = (method: string) => page.evaluate((name) => window.__videoSdkControl.callsTo("agora", name), method);

    await page.goto(await personalLink(appointment, psychologist));
    await page.getByRole("heading", { level: 1, name: "Session with Kim Patient" }).waitFor();
    await expect.poll(() => status.textContent()).toBe("Waiting for Kim Patient");
    // Only this session's provider is loaded, and its logs stay on the device.
    await expect.poll(() => agoraCalls("disableLogUpload")).toHaveLength(1);
    expect(await page.evaluate(() => window.__videoSdkControl.callsTo("twilio", "connect"))).toEqual([]);

    const join = page.getByRole("button", { name: "Join", exact: true });
    await expect.poll(() => join.isEnabled()).toBe(true);
    await join.click();
    await expect.poll(() => status.textContent()).toBe("You're in the room. Waiting for Kim Patient to join");
    const [joined] = (await agoraCalls("join")) as Array<{ appId: string; channel: string; token: string; uid: number }>;
    expect(joined).toMatchObject({ channel: appointment.roomName, uid: psychologist.id });
    expect(joined?.token).toMatch(/^007/);
    expect(await agoraCalls("createClient")).toEqual([{ mode: "rtc", codec: "vp8" }]);
    expect(await agoraCalls("publish")).toEqual([["audio", "video"]]);

    // The patient joins the channel and publishes: in the call, their video on the stage.
    await page.evaluate((uid) => window.__videoSdkControl.agora.userJoined(uid), patient.id);
    await expect.poll(() => status.textContent()).toBe("In the call with Kim Patient");
    const remoteVideo = page.locator('video[aria-label="Kim Patient\'s video"]');
    await expect.poll(() => remoteVideo.evaluate((video: HTMLVideoElement) => video.readyState >= 2)).toBe(true);
    expect(await agoraCalls("subscribe")).toEqual([
      { uid: patient.id, mediaType: "audio" },
      { uid: patient.id, mediaType: "video" },
    ]);
    await expectAccessible(page, "the Agora call");

    // The camera goes off in the call: unpublished (its light goes off), and back on: published again.
    const camera = page.getByRole("toolbar", { name: "Call controls" }).getByRole("button", { name: "Camera", exact: true });
    await camera.click();
    await expect.poll(() => camera.getAttribute("aria-pressed")).toBe("false");
    await expect.poll(() => page.evaluate(() => window.__videoSdkControl.agora.published().map((track) => track.kind))).toEqual(["audio"]);
    await camera.click();
    await expect.poll(() => camera.getAttribute("aria-pressed")).toBe("true");
    await expect
      .poll(() => page.evaluate(() => window.__videoSdkControl.agora.published().map((track) => track.kind)))
      .toEqual(["audio", "video"]);

    // Agora warns that the token will expire: a fresh one from /refresh/, handed to renewToken, nothing shown.
    const refreshed = page.waitForResponse((response) => response.url().endsWith("/refresh/") && response.request().method() === "POST");
    await page.evaluate(() => window.__videoSdkControl.agora.tokenWillExpire());
    const fresh = (await (await refreshed).json()) as { connection: { token: string } };
    await expect.poll(() => agoraCalls("renewToken")).toEqual([{ token: fresh.connection.token }]);
    expect(await status.textContent()).toBe("In the call with Kim Patient");

    // The network wobbles: announced, and the call carries on.
    await page.evaluate(() => window.__videoSdkControl.agora.reconnecting());
    await expect.poll(() => status.textContent()).toBe("Reconnecting… the session is still active");
    await page.evaluate(() => window.__videoSdkControl.agora.reconnected());
    await expect.poll(() => status.textContent()).toBe("In the call with Kim Patient");

    // The patient leaves the channel: waiting for them to come back; they do.
    await page.evaluate((uid) => window.__videoSdkControl.agora.userLeft(uid), patient.id);
    await expect.poll(() => status.textContent()).toBe("Kim Patient left — waiting for them to rejoin");
    await page.evaluate((uid) => window.__videoSdkControl.agora.userJoined(uid), patient.id);
    await expect.poll(() => status.textContent()).toBe("In the call with Kim Patient");

    // Escape in the leave dialog keeps the call; confirming leaves the channel.
    const leave = page.getByRole("button", { name: "Leave", exact: true });
    await leave.click();
    await page.getByRole("dialog", { name: "Leave the session?" }).waitFor();
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    expect(await status.textContent()).toBe("In the call with Kim Patient");
    await leave.click();
    await page.getByRole("dialog", { name: "Leave the session?" }).getByRole("button", { name: "Leave session" }).click();
    await page.getByRole("heading", { level: 1, name: "You left the session" }).waitFor();
    await expect.poll(() => agoraCalls("leave")).toHaveLength(1);
    await expect.poll(() => page.evaluate(() => window.__videoSdkControl.agora.connected())).toBe(false);

    expectNoConsoleErrors(errors);
    await context.close();
  });
});
