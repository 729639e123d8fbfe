import { describe, expect, test } from "vitest";
import { expectAccessible, expectNoConsoleErrors, openPage, useBrowser } from "./support/browser";
import { createAppointment, createUser } from "./support/db";
import { tokenFor } from "./support/jwt";

const browser = useBrowser();

/** Resolves once the Worker's (real) clock has reached `epochSeconds`. */
const untilServerTime = async (epochSeconds: number) => {
  await expect.poll(() => Date.now() / 1000, { timeout: 20_000, interval: 100 }).toBeGreaterThanOrEqual(epochSeconds);
};

describe("the dashboard", () => {
  test("lists the sessions with their badges; Join turns on by itself at T−15 min; Join opens the session", async () => {
    const psychologist = await createUser("psychologist", { name: "Dr Dash Board" });
    const patients = await Promise.all(
      ["Soon Patient", "Later Patient", "Now Patient", "Cancelled Patient", "Unconfirmed Patient"].map((name) =>
        createUser("patient", { name }),
      ),
    );
    const [soonPatient, laterPatient, nowPatient, cancelledPatient, unconfirmedPatient] = patients as [
      (typeof patients)[0],
      (typeof patients)[0],
      (typeof patients)[0],
      (typeof patients)[0],
      (typeof patients)[0],
    ];
    // The Worker keeps the real time, so the session that flips opens 8 s from now on its clock
    // (room enough for the page to load and be checked on a busy machine before it opens).
    const soon = await createAppointment({ psychologist, patient: soonPatient, startsInSeconds: 15 * 60 + 8 });
    await createAppointment({ psychologist, patient: laterPatient, startsInSeconds: 3 * 3600 });
    const now = await createAppointment({ psychologist, patient: nowPatient, startsInSeconds: -5 * 60 });
    await createAppointment({ psychologist, patient: cancelledPatient, startsInSeconds: 2 * 3600, status: "cancelled" });
    await createAppointment({ psychologist, patient: unconfirmedPatient, startsInSeconds: 5 * 3600, status: "scheduled" });

    const { page, errors, context } = await openPage(browser());
    // The page's timers run on a clock the test moves, so the poll that flips Join needs no waiting of its own.
    await page.clock.install();
    const token = tokenFor(psychologist);
    await page.goto(`/dashboard#token=${token}`);
    await page.getByRole("heading", { level: 1, name: "Your sessions" }).waitFor();
    await page.getByText("Signed in as Dr Dash Board.").waitFor();

    // The JWT leaves the address bar at once and stays in this tab only.
    expect(new URL(page.url()).hash).toBe("");
    expect(await page.evaluate(() => sessionStorage.getItem("telehealth.jwt"))).toBe(token);

    const row = (patientName: string) =>
      page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: `Individual therapy with ${patientName}` }) });
    const joinIn = (patientName: string) => row(patientName).getByRole("button", { name: "Join video session" });
    await row("Soon Patient").waitFor();

    // One row per session (ours only), each with a badge in words.
    expect(await page.getByRole("listitem").count()).toBe(5);
    await row("Later Patient").getByText("Confirmed", { exact: true }).waitFor();
    await row("Unconfirmed Patient").getByText("Scheduled", { exact: true }).waitFor();
    await row("Now Patient").getByText("In progress", { exact: true }).waitFor();
    await row("Cancelled Patient").getByText("Cancelled", { exact: true }).waitFor();
    await row("Soon Patient").getByText("Confirmed", { exact: true }).waitFor();

    // Join: on for the session under way, off (with when it opens) for those ahead, absent for the cancelled one.
    expect(await joinIn("Now Patient").isEnabled()).toBe(true);
    expect(await joinIn("Later Patient").isDisabled()).toBe(true);
    expect(await joinIn("Cancelled Patient").count()).toBe(0);
    const soonJoin = joinIn("Soon Patient");
    expect(await soonJoin.isDisabled()).toBe(true);
    const hint = await soonJoin.getAttribute("aria-describedby");
    expect(await page.locator(`#${hint}`).textContent()).toMatch(/^You can join from .+, 15 minutes before the start\.$/);
    await expectAccessible(page, "the dashboard");

    // T−15 min on the Worker's clock: the page's next read (its timer, moved on here) turns Join on.
    await untilServerTime(soon.startsAt - 15 * 60);
    await page.clock.fastForward(30_000);
    await expect.poll(() => soonJoin.isEnabled()).toBe(true);
    await row("Soon Patient").getByText("Open — you can join", { exact: true }).waitFor();
    expect(await page.locator(`#${hint}`).count()).toBe(0);
    expect(await joinIn("Later Patient").isDisabled()).toBe(true);

    // Join opens the session page with this tab's sign-in.
    await joinIn("Now Patient").click();
    await page.waitForURL(`**/video-session/${now.roomName}`);
    await page.getByRole("heading", { level: 1, name: "Session with Now Patient" }).waitFor();

    expectNoConsoleErrors(errors);
    await context.close();
  });

  test("without a sign-in: says how to get one", async () => {
    const { page, errors, context } = await openPage(browser());
    await page.goto("/dashboard");
    await page.getByRole("heading", { level: 2, name: "Please sign in" }).waitFor();
    await expectAccessible(page, "the signed-out dashboard");
    expectNoConsoleErrors(errors);
    await context.close();
  });
});
