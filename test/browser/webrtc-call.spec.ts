import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { expectAccessible, expectNoConsoleErrors, type OpenedPage, openPage, statusRegion, useBrowser } from "./support/browser";
import { createAppointment, createUser, type TestAppointment } from "./support/db";
import type { TestUser } from "./support/jwt";
import { api, cancelAppointment, personalLink } from "./support/sessions";
import { dropSignalling, inboundBytes, negotiation, networkBack, peerConnectionStates, recordConnections } from "./support/webrtc-probes";

/**
 * The built-in provider end to end: two browser contexts (two people, each with their own fake
 * camera and microphone) reach each other over real RTCPeerConnections, signalling through the
 * Worker's room object. No SDK stand-in is involved: nothing here replaces WebRTC.
 */
const browser = useBrowser();

async function webrtcSession() {
  const psychologist = await createUser("psychologist", { name: "Dr Rita Peer" });
  const patient = await createUser("patient", { name: "Noor Patient" });
  const appointment = await createAppointment({ psychologist, patient, startsInSeconds: 60, provider: "webrtc" });
  return { psychologist, patient, appointment };
}

/** Both people in the call, each from their own personal link. */
async function bothInCall() {
  const session = await webrtcSession();
  const therapist = await openRecorded();
  const client = await openRecorded();
  await join(therapist.page, await personalLink(session.appointment, session.psychologist));
  await join(client.page, await personalLink(session.appointment, session.patient));
  return { ...session, therapist, client };
}

/** No console error on either side; then both browsers close. */
async function finish(...people: OpenedPage[]) {
  for (const person of people) expectNoConsoleErrors(person.errors);
  for (const person of people) await person.context.close();
}

/** A person's browser, recording its peer connections and sockets, and its console warnings (a failed negotiation step is one). */
async function openRecorded(): Promise<OpenedPage & { warnings: string[] }> {
  const opened = await openPage(browser());
  await opened.context.addInitScript(recordConnections);
  const warnings: string[] = [];
  opened.page.on("console", (message) => message.type() === "warning" && warnings.push(message.text()));
  return { ...opened, warnings };
}

/**
 * Polls for up to 10 s rather than expect.poll's default second: connecting two real peers, or
 * loading the page and its camera, takes longer on a busy machine (the context's own waits allow 10 s too).
 */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });

async function join(page: Page, link?: string) {
  if (link) await page.goto(link);
  const button = page.getByRole("button", { name: "Join", exact: true });
  await eventually(() => button.isEnabled()).toBe(true);
  await button.click();
}

/** The other person's video plays real frames (the fake camera's, sent over the peer connection). */
const playsVideoOf = (page: Page, name: string) =>
  eventually(() =>
    page.getByLabel(`${name}'s video`).evaluate((video: HTMLVideoElement) => video.readyState >= 2 && video.videoWidth > 0),
  ).toBe(true);

const inCallWith = (page: Page, name: string) => eventually(() => statusRegion(page).textContent()).toBe(`In the call with ${name}`);

async function roomRecord(by: TestUser, appointment: TestAppointment) {
  const status = (await (await api(by, "GET", `/api/appointments/video-status/${appointment.id}/`)).json()) as {
    participants: Array<{ identity: string; status: string }>;
  };
  const detail = (await (await api(by, "GET", `/api/appointments/${appointment.id}/`)).json()) as { status: string };
  const connected = status.participants.filter((participant) => participant.status === "connected").map((p) => p.identity);
  return { connected: connected.sort(), appointment: detail.status };
}

describe("a built-in WebRTC session between two browsers", () => {
  test("real media both ways, on the server's record, through a camera toggle and a reload, until one leaves", async () => {
    const { psychologist, patient, appointment } = await webrtcSession();
    const therapist = await openRecorded();
    const client = await openRecorded();

    await join(therapist.page, await personalLink(appointment, psychologist));
    await eventually(() => statusRegion(therapist.page).textContent()).toBe("You're in the room. Waiting for Noor Patient to join");
    await join(client.page, await personalLink(appointment, patient));
    await inCallWith(client.page, "Dr Rita Peer");
    await inCallWith(therapist.page, "Noor Patient");
    await playsVideoOf(client.page, "Dr Rita Peer");
    await playsVideoOf(therapist.page, "Noor Patient");

    // Media keeps flowing both ways, audio and video, over the page's own RTCPeerConnection.
    for (const { page } of [therapist, client]) {
      const before = await inboundBytes(page);
      expect(before.audio).toBeGreaterThan(0);
      await eventually(async () => (await inboundBytes(page)).video).toBeGreaterThan(before.video);
      expect(await page.evaluate(() => window.__videoSdkControl.calls.length)).toBe(0);
    }

    // The server saw both connect (identities are user ids) and the appointment is under way.
    const bothIds = [String(psychologist.id), String(patient.id)].sort();
    await eventually(() => roomRecord(psychologist, appointment)).toEqual({ connected: bothIds, appointment: "ongoing" });
    await expectAccessible(client.page, "a WebRTC call");

    // The patient turns the camera off and on: the therapist sees "camera is off", then the video again.
    const camera = client.page.getByRole("toolbar", { name: "Call controls" }).getByRole("button", { name: "Camera", exact: true });
    await camera.click();
    await therapist.page.getByText("Noor Patient's camera is off").waitFor();
    await camera.click();
    await playsVideoOf(therapist.page, "Noor Patient");

    // A reload: the therapist waits for the patient, who joins again, on a fresh connection.
    await client.page.reload();
    await eventually(() => statusRegion(therapist.page).textContent()).toBe("Noor Patient left — waiting for them to rejoin");
    await join(client.page);
    await inCallWith(therapist.page, "Noor Patient");
    await playsVideoOf(client.page, "Dr Rita Peer");
    await playsVideoOf(therapist.page, "Noor Patient");

    // The therapist leaves: the patient waits for them.
    await therapist.page.getByRole("button", { name: "Leave", exact: true }).click();
    await therapist.page.getByRole("dialog", { name: "Leave the session?" }).getByRole("button", { name: "Leave session" }).click();
    await therapist.page.getByRole("heading", { level: 1, name: "You left the session" }).waitFor();
    await eventually(() => statusRegion(client.page).textContent()).toBe("Dr Rita Peer left — waiting for them to rejoin");
    await client.page.getByText("Dr Rita Peer is not in the room").waitFor();
    await eventually(async () => (await roomRecord(patient, appointment)).connected).toEqual([String(patient.id)]);

    await finish(therapist, client);
  }, 60_000);

  test("a signalling blip and a network change: reconnected by themselves, media flowing again", async () => {
    const { therapist, client } = await bothInCall();
    await playsVideoOf(therapist.page, "Noor Patient");
    await playsVideoOf(client.page, "Dr Rita Peer");

    // The therapist's side this time (the impolite one, which offers first on the new connection).
    await dropSignalling(therapist.page);
    // Each side closes its connection and opens a new one once the server welcomes the therapist back.
    for (const { page } of [therapist, client]) {
      await eventually(() => peerConnectionStates(page)).toEqual(["closed", "connected"]);
    }
    await inCallWith(client.page, "Dr Rita Peer");
    await inCallWith(therapist.page, "Noor Patient");
    await playsVideoOf(therapist.page, "Noor Patient");
    await playsVideoOf(client.page, "Dr Rita Peer");

    // The patient's network comes back after a change: the patient's side (the polite one) restarts
    // ICE, and both end up connected on new ICE credentials, media flowing.
    const before = await Promise.all([therapist.page, client.page].map(negotiation));
    await networkBack(client.page);
    for (const [index, page] of [therapist.page, client.page].entries()) {
      const renewed = async () => {
        const { ufrag, ...now } = await negotiation(page);
        return { ...now, newCredentials: ufrag !== before[index]!.ufrag };
      };
      await eventually(renewed).toEqual({ signalingState: "stable", connectionState: "connected", newCredentials: true });
      const bytes = (await inboundBytes(page)).video;
      await eventually(async () => (await inboundBytes(page)).video).toBeGreaterThan(bytes);
    }
    expect([...therapist.warnings, ...client.warnings]).toEqual([]);

    await finish(therapist, client);
  }, 45_000);

  test("cancelled during the call: both pages end, saying why", async () => {
    const { psychologist, appointment, therapist, client } = await bothInCall();
    await playsVideoOf(client.page, "Dr Rita Peer");

    await cancelAppointment(psychologist, appointment);
    for (const { page } of [therapist, client]) {
      await page.getByRole("heading", { level: 1, name: "This session was cancelled" }).waitFor();
      await eventually(() => statusRegion(page).textContent()).toBe("This session was cancelled");
      await eventually(() => page.evaluate(() => window.__peerConnections.every((pc) => pc.connectionState === "closed"))).toBe(true);
    }
    await expectAccessible(client.page, "the end screen after a cancellation in a WebRTC call");
    await finish(therapist, client);
  }, 45_000);

  test("the patient's account deactivated during the call: their page says access was withdrawn, the therapist waits", async () => {
    const { patient, therapist, client } = await bothInCall();
    await playsVideoOf(client.page, "Dr Rita Peer");

    const admin = await createUser("admin", { name: "Practice Admin" });
    const deactivated = await api(admin, "PUT", `/api/admin/users/${patient.id}/`, {
      email: patient.email,
      role: "patient",
      is_active: false,
    });
    expect(deactivated.status).toBe(200);

    const withdrawn = "Your access to this session has been withdrawn";
    await client.page.getByRole("heading", { level: 1, name: withdrawn }).waitFor();
    await eventually(() => statusRegion(client.page).textContent()).toBe(withdrawn);
    // Not a dropped call: nothing offers to rejoin with the same token.
    expect(await client.page.getByRole("button", { name: "Rejoin" }).count()).toBe(0);
    await eventually(() => statusRegion(therapist.page).textContent()).toBe("Noor Patient left — waiting for them to rejoin");
    await expectAccessible(client.page, "the end screen after access was withdrawn");

    await finish(therapist, client);
  }, 45_000);

  test("opened again in another tab: the first tab says so, and the call carries on in the new one", async () => {
    const { patient, appointment, therapist, client } = await bothInCall();
    await playsVideoOf(therapist.page, "Noor Patient");

    // A second tab of the same browser profile: the personal link's token is per tab, so it opens the link again.
    const secondTab = await client.context.newPage();
    await join(secondTab, await personalLink(appointment, patient));
    await client.page.getByRole("heading", { level: 1, name: "This session was opened in another tab or window" }).waitFor();
    await client.page.getByText("The session continues there, so you can close this tab.").waitFor();
    await playsVideoOf(secondTab, "Dr Rita Peer");
    await playsVideoOf(therapist.page, "Noor Patient");
    await inCallWith(therapist.page, "Noor Patient");
    await expectAccessible(client.page, "the end screen of a tab taken over");

    await finish(therapist, client);
  }, 45_000);
});
