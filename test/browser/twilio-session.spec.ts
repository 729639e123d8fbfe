import { describe, expect, test } from "vitest";
import { expectAccessible, expectNoConsoleErrors, openPage, refusedRequest, statusRegion, useBrowser } from "./support/browser";
import { createAppointment, createUser } from "./support/db";
import { cancelAppointment, personalLink, twilioIdentity } from "./support/sessions";
import { twilioRoomEvent } from "./support/twilio-webhooks";

const browser = useBrowser();

describe("a Twilio session from a personal link", () => {
  test("green room, join, the other party joins, a token expires, the other party leaves, leave", async () => {
    const psychologist = await createUser("psychologist", { name: "Dr Ada Byron" });
    const patient = await createUser("patient", { name: "Sam Patient" });
    const appointment = await createAppointment({ psychologist, patient, startsInSeconds: 5 * 60, provider: "twilio" });
    const { page, errors, context } = await openPage(browser());
    const status = statusRegion(page);
    const therapist = { sid: "PA00000000000000000000000000000001", identity: twilioIdentity(psychologist) };

    await page.goto(await personalLink(appointment, patient));

    // The key leaves the address bar at once; the green room shows the session and who it is with.
    await expect.poll(() => new URL(page.url()).hash).toBe("");
    await page.getByRole("heading", { level: 1, name: "Session with Dr Ada Byron" }).waitFor();
    await expect.poll(() => status.textContent()).toBe("Waiting for Dr Ada Byron");
    expect(await page.getByRole("status").count()).toBe(1);

    // Camera preview playing the fake camera; the microphone meter moving; both devices on; pickers list the fake devices.
    const preview = page.getByRole("region", { name: "Your camera and microphone" }).locator("video");
    await expect.poll(() => preview.evaluate((video: HTMLVideoElement) => video.readyState >= 2 && video.videoWidth > 0)).toBe(true);
    await expect
      .poll(() => page.locator("meter#mic-level").evaluate((meter: HTMLMeterElement) => meter.value), { timeout: 5000 })
      .toBeGreaterThan(0);
    const microphone = page.getByRole("button", { name: "Microphone", exact: true });
    const camera = page.getByRole("button", { name: "Camera", exact: true });
    expect(await microphone.getAttribute("aria-pressed")).toBe("true");
    expect(await camera.getAttribute("aria-pressed")).toBe("true");
    expect(await page.getByRole("combobox", { name: "Camera device" }).locator("option").count()).toBeGreaterThan(0);
    expect(await page.getByRole("combobox", { name: "Microphone device" }).locator("option").count()).toBeGreaterThan(0);

    // The microphone toggles in place (aria-pressed), and the choice follows into the call.
    await microphone.click();
    await expect.poll(() => microphone.getAttribute("aria-pressed")).toBe("false");
    await microphone.click();
    await expect.poll(() => microphone.getAttribute("aria-pressed")).toBe("true");

    // The therapist enters first: Twilio's webhook reaches the room, the page hears it live.
    await twilioRoomEvent(appointment.roomName, "participant-connected", therapist);
    await expect.poll(() => status.textContent()).toBe("Dr Ada Byron is already in the room");
    await expectAccessible(page, "the green room");

    const join = page.getByRole("button", { name: "Join", exact: true });
    await expect.poll(() => join.isEnabled()).toBe(true);
    await join.click();

    // In the room alone (the stand-in's room is empty until the therapist's media arrives).
    await expect.poll(() => status.textContent()).toBe("You're in the room. Waiting for Dr Ada Byron to join");
    const connects = () =>
      page.evaluate(() => window.__videoSdkControl.callsTo("twilio", "connect") as Array<{ token: string; name: string }>);
    const [first] = await connects();
    expect(first?.name).toBe(appointment.roomName);
    expect(await page.evaluate(() => window.__videoSdkControl.twilio.published())).toEqual([
      { kind: "audio", name: "microphone", enabled: true },
      { kind: "video", name: "camera", enabled: true },
    ]);

    // The therapist's media connects: in the call, their video on the stage.
    await page.evaluate((identity) => window.__videoSdkControl.twilio.participantConnected(identity), therapist.identity);
    await expect.poll(() => status.textContent()).toBe("In the call with Dr Ada Byron");
    const remoteVideo = page.locator('video[aria-label="Dr Ada Byron\'s video"]');
    await expect.poll(() => remoteVideo.evaluate((video: HTMLVideoElement) => video.readyState >= 2)).toBe(true);
    await expect.poll(() => page.getByRole("button", { name: "Leave", exact: true }).isVisible()).toBe(true);
    await expectAccessible(page, "the call");

    // Muting in the call disables the published track (Twilio tells the other side), not unpublishes it.
    const callMicrophone = page.getByRole("toolbar", { name: "Call controls" }).getByRole("button", { name: "Microphone", exact: true });
    await callMicrophone.click();
    await expect.poll(() => callMicrophone.getAttribute("aria-pressed")).toBe("false");
    await expect
      .poll(() => page.evaluate(() => window.__videoSdkControl.twilio.published().find((track) => track.kind === "audio")?.enabled))
      .toBe(false);
    await callMicrophone.click();
    await expect.poll(() => callMicrophone.getAttribute("aria-pressed")).toBe("true");

    // Twilio drops us with 20104 (token expired): a fresh token from /refresh/, a rejoin, and nothing shown.
    const refreshed = page.waitForResponse((response) => response.url().endsWith("/refresh/") && response.request().method() === "POST");
    await page.evaluate(() => window.__videoSdkControl.twilio.disconnectWithError(20104));
    expect((await refreshed).status()).toBe(200);
    await expect.poll(async () => (await connects()).length).toBe(2);
    await expect.poll(() => page.evaluate(() => window.__videoSdkControl.twilio.connected())).toBe(true);
    expect(await status.textContent()).toBe("In the call with Dr Ada Byron");
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(await page.getByText(/could not|error|expired/i).count()).toBe(0);
    await expect.poll(() => remoteVideo.evaluate((video: HTMLVideoElement) => video.readyState >= 2)).toBe(true);

    // The therapist's connection drops: Twilio and the webhook both say so.
    await page.evaluate((identity) => window.__videoSdkControl.twilio.participantDisconnected(identity), therapist.identity);
    await twilioRoomEvent(appointment.roomName, "participant-disconnected", therapist);
    await expect.poll(() => status.textContent()).toBe("Dr Ada Byron left — waiting for them to rejoin");
    await page.getByText("Dr Ada Byron is not in the room").waitFor();

    // The patient leaves, after confirming in the dialog; the end screen says so and offers the way back.
    await page.getByRole("button", { name: "Leave", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Leave the session?" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Leave session" }).click();
    await page.getByRole("heading", { level: 1, name: "You left the session" }).waitFor();
    await expect.poll(() => status.textContent()).toBe("You left the session");
    await expect.poll(() => page.evaluate(() => window.__videoSdkControl.twilio.connected())).toBe(false);
    expect(await page.getByRole("link", { name: "Rejoin the session" }).count()).toBe(1);
    await expectAccessible(page, "the end screen after leaving");

    expectNoConsoleErrors(errors);
    await context.close();
  });

  test("cancelled while waiting in the room: the call ends, and the link no longer opens the session", async () => {
    const psychologist = await createUser("psychologist", { name: "Dr Grace Hopper" });
    const patient = await createUser("patient", { name: "Lee Patient" });
    const appointment = await createAppointment({ psychologist, patient, startsInSeconds: 60, provider: "twilio" });
    const link = await personalLink(appointment, patient);
    const { page, errors, context } = await openPage(browser());
    const status = statusRegion(page);

    await page.goto(link);
    const join = page.getByRole("button", { name: "Join", exact: true });
    await expect.poll(() => join.isEnabled()).toBe(true);
    await join.click();
    await expect.poll(() => status.textContent()).toBe("You're in the room. Waiting for Dr Grace Hopper to join");

    // The practice cancels (PATCH /api/appointments/<id>/): the room's live events end the call here.
    await cancelAppointment(psychologist, appointment);
    await expect.poll(() => status.textContent()).toBe("This session was cancelled");
    await page.getByRole("heading", { level: 1, name: "This session was cancelled" }).waitFor();
    await expect.poll(() => page.evaluate(() => window.__videoSdkControl.twilio.connected())).toBe(false);
    await expectAccessible(page, "the end screen after a cancellation");
    expectNoConsoleErrors(errors);
    await context.close();

    // The same link, forwarded and opened elsewhere afterwards: refused, with the server's reason.
    const forwarded = await openPage(browser());
    await forwarded.page.goto(link);
    await forwarded.page.getByRole("heading", { level: 1, name: "This link is no longer valid" }).waitFor();
    await forwarded.page.getByText("This session has been cancelled, so its link no longer opens it").waitFor();
    expect(await statusRegion(forwarded.page).textContent()).toBe("This link is no longer valid");
    expect(await forwarded.page.getByRole("button", { name: "Join", exact: true }).count()).toBe(0);
    expect(await forwarded.page.evaluate(() => window.__videoSdkControl.calls.length)).toBe(0);
    await expectAccessible(forwarded.page, "the no-access page");
    expectNoConsoleErrors(forwarded.errors, [refusedRequest(403, /\/redeem\//)]);
    await forwarded.context.close();
  });
});
