// A locked room: the browser that created it (and holds the host key)
// controls the timer and roles; another browser watches, with the controls
// disabled and a note saying why, and still sees every change at once.

import assert from "node:assert/strict";
import { test } from "node:test";

import { active, byId, openRoom, timerState, waitLive, waitUntil, serverAndBrowser } from "../lib/browser.mjs";

const { server, browser } = await serverAndBrowser();

test("the host controls a locked room; a second browser watches", async () => {
  const host = await (await browser.newContext()).newPage();
  await host.goto(server.base + "/");
  await byId(host, "name-1").fill("Ann");
  await byId(host, "name-2").fill("Bob");
  await byId(host, "lock-controls").check();
  await byId(host, "create-room").click();
  await host.waitForURL(/\/r\/[0-9a-z-]+/);
  const dialog = byId(host, "name-dialog");
  if (await dialog.isVisible()) await byId(host, "name-choice").first().click();
  await waitLive(host);
  const code = new URL(host.url()).pathname.split("/").pop();
  assert.equal((await server.api("GET", `/rooms/${code}`)).room.locked, true);
  assert.equal(await byId(host, "watch-note").isVisible(), false, "the host is not a watcher");

  const watcher = await openRoom(await browser.newContext(), server, code, "Bob");
  await waitUntil("the watcher's note", 2000, () => byId(watcher, "watch-note").isVisible());
  for (const id of ["timer-start", "timer-reset", "swap-roles", "duration-save"]) {
    assert.equal(await byId(watcher, id).isDisabled(), true, `${id} is disabled for the watcher`);
  }
  // Space does nothing for the watcher either.
  await watcher.keyboard.press("Space");
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await timerState(host), "idle");

  await byId(host, "timer-start").click();
  await waitUntil("the watcher sees it running", 1000, async () => (await timerState(watcher)) === "running");
  assert.equal(await active(host, "timer-pause"), true);
  assert.equal(await byId(watcher, "timer-pause").isDisabled(), true);
  await byId(host, "swap-roles").click();
  await waitUntil("the watcher sees the swap", 1000, async () =>
    (await byId(watcher, "driver-name").textContent()) === "Bob");

  // The workspace stays everyone's.
  await byId(watcher, "todo-input").fill("watchers may write todos");
  await byId(watcher, "todo-input").press("Enter");
  await waitUntil("the host sees the watcher's todo", 2000, async () =>
    (await byId(host, "todo-item").count()) === 1);
});
