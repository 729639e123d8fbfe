import { describe, expect, test } from "vitest";
import { expectNoConsoleErrors, openPage, useBrowser } from "./support/browser";

const browser = useBrowser();

describe("the API reference at /docs", () => {
  test("Swagger UI from our own assets renders every operation, under the page's own CSP", async () => {
    const { page, errors, context } = await openPage(browser());
    const response = await page.goto("/docs");
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self';");

    // The interactive reference replaces the server-rendered list: one block per operation.
    await page.getByRole("heading", { name: /Telehealth video edge API/ }).waitFor();
    const session = page.locator(".opblock").filter({ hasText: "/api/video-sessions/{room_name}/redeem/" });
    await session.first().waitFor();
    const documented = await (await context.request.get("/openapi.json")).json();
    const operations = Object.values(documented.paths as Record<string, object>).flatMap((item) => Object.keys(item));
    expect(await page.locator(".opblock").count()).toBe(operations.length);

    // Opening one shows its request body ready to try, an example from the same zod schema that validates it.
    await session
      .getByRole("button", { name: /redeem/ })
      .first()
      .click();
    await session.getByRole("heading", { name: "Request body" }).waitFor();
    expect(await session.locator("textarea").first().inputValue()).toContain('"key": "string"');
    expectNoConsoleErrors(errors);
    await context.close();
  });
});
