// The room without a mouse and in either language: Space starts and
// pauses, Tab reaches every control, every control has a name, the time-up
// is announced to screen readers, Korean follows the browser's language
// with a toggle that sticks, and a phone-width page never scrolls sideways.

import assert from "node:assert/strict";
import { test } from "node:test";

import { byId, openRoom, text, timerState, waitUntil, serverAndBrowser } from "../lib/browser.mjs";

const { server, browser } = await serverAndBrowser();

/** The server's view of the room. */
async function room(code) {
  return (await server.api("GET", `/rooms/${code}`)).room;
}

/** Presses Tab until the focused element has `testid` (at most 60 times). */
async function tabTo(page, testid) {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.dataset?.testid);
    if (focused === testid) return;
  }
  assert.fail(`Tab never reached ${testid}`);
}

test("Space starts and pauses; Tab and Enter reach the todo box and the swap", async () => {
  const code = (await server.createRoom(["Ann", "Bob"])).room.code;
  const page = await openRoom(await browser.newContext(), server, code, "Ann");
  await page.evaluate(() => document.activeElement?.blur());

  await page.keyboard.press("Space");
  await waitUntil("running on the server", 2000, async () => (await room(code)).timer.state === "running");
  await waitUntil("running on the page", 2000, async () => (await timerState(page)) === "running");
  await page.keyboard.press("Space");
  await waitUntil("paused on the server", 2000, async () => (await room(code)).timer.state === "paused");

  await tabTo(page, "todo-input");
  await page.keyboard.type("typed, not clicked");
  await page.keyboard.press("Enter");
  await waitUntil("the todo on the server", 2000, async () =>
    (await server.api("GET", `/rooms/${code}/workspace`)).workspace.todos.length === 1);
  // Space in a text field types a space; it does not touch the timer.
  await byId(page, "todo-input").press("Space");
  assert.equal((await room(code)).timer.state, "paused");

  await page.evaluate(() => document.activeElement?.blur());
  await tabTo(page, "swap-roles");
  await page.keyboard.press("Enter");
  await waitUntil("the roles rotated", 2000, async () => (await room(code)).participants[0] === "Bob");
  await waitUntil("the page shows it", 2000, async () => (await text(page, "driver-name")) === "Bob");
});

test("every control has an accessible name and the time-up is announced", async () => {
  const code = (await server.createRoom(["Ann", "Bob"], [{ label: "Round", duration_ms: 1000 }])).room.code;
  const page = await openRoom(await browser.newContext(), server, code, "Ann");
  const unnamed = await page.evaluate(() => {
    const named = (el) =>
      el.getAttribute("aria-label") ||
      el.getAttribute("aria-labelledby") ||
      (el.id && document.querySelector(`label[for="${el.id}"]`)) ||
      el.closest("label") ||
      (el.tagName === "BUTTON" && el.textContent.trim());
    return [...document.querySelectorAll("input, select, textarea, button")]
      .filter((el) => el.type !== "hidden" && !named(el))
      .map((el) => el.outerHTML.slice(0, 80));
  });
  assert.deepEqual(unnamed, [], "controls without an accessible name");

  await byId(page, "timer-start").click();
  await waitUntil("the live region announces the time-up", 4000, async () =>
    (await byId(page, "live-region").textContent()).trim().length > 0);
});

test("Korean follows the browser, the toggle switches and sticks", async () => {
  const code = (await server.createRoom(["Ann", "Bob"])).room.code;
  const korean = await browser.newContext({ locale: "ko-KR" });
  const page = await openRoom(korean, server, code, "Ann");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "ko");
  const koStart = await text(page, "timer-start");
  assert.match(koStart, /[\uac00-\ud7a3]/, `a Korean start button (${koStart})`);

  await byId(page, "lang-toggle").click();
  await waitUntil("English", 1000, async () =>
    (await page.evaluate(() => document.documentElement.lang)) === "en");
  assert.notEqual(await text(page, "timer-start"), koStart);
  await page.reload();
  await byId(page, "timer-start").waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");

  const english = await (await browser.newContext({ locale: "en-US" })).newPage();
  await english.goto(server.base + "/");
  assert.equal(await english.evaluate(() => document.documentElement.lang), "en");
});

test("at phone width neither page scrolls sideways", async () => {
  const code = (await server.createRoom(["Annabelle", "Bartholomew", "Cid"])).room.code;
  const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
  const home = await context.newPage();
  await home.goto(server.base + "/");
  const page = await openRoom(context, server, code, "Annabelle");
  for (const p of [home, page]) {
    const [scroll, client] = await p.evaluate(() => [
      document.scrollingElement.scrollWidth,
      document.scrollingElement.clientWidth,
    ]);
    assert.ok(scroll <= client, `${p.url()}: ${scroll} px wide in ${client}`);
  }
});
