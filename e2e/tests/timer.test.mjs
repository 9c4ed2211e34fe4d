// Two browsers on one room see the same timer: the scene pairroom exists
// for (one starts, the other sees it running at once, with the same time
// and the same buttons), and a time-up that swaps the roles exactly once.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  active, byId, displayedSeconds, openRoom, text, timerState, waitLive, waitUntil, serverAndBrowser,
} from "../lib/browser.mjs";

const { server, browser } = await serverAndBrowser();

/** Picks `name` in the "who are you" dialog if the page asks. */
async function answerWhoAreYou(page, name) {
  const dialog = byId(page, "name-dialog");
  if (await dialog.isVisible()) {
    await byId(page, "name-choice").filter({ hasText: name }).first().click();
  }
}

test("a start in one browser shows in the other within a second, and a pause back", async () => {
  const a = await (await browser.newContext()).newPage();
  await a.goto(server.base + "/");
  await byId(a, "name-1").fill("Ann");
  await byId(a, "name-2").fill("Bob");
  await byId(a, "round-minutes").fill("10");
  await byId(a, "create-room").click();
  await a.waitForURL(/\/r\/[0-9a-z-]+/);
  await answerWhoAreYou(a, "Ann");
  await waitLive(a);
  const code = new URL(a.url()).pathname.split("/").pop();

  const b = await openRoom(await browser.newContext(), server, code, "Bob");
  assert.equal(await timerState(b), "idle");
  assert.equal(await text(b, "timer-display"), "10:00");
  assert.equal(await text(b, "driver-name"), "Ann");
  assert.equal(await text(b, "navigator-name"), "Bob");

  await byId(a, "timer-start").click();
  await waitUntil("B shows the timer running", 1000, async () =>
    (await timerState(b)) === "running" && (await active(b, "timer-pause")));
  assert.equal(await byId(b, "timer-start").isVisible(), false, "start is hidden while running");
  await new Promise((r) => setTimeout(r, 1200));
  const [sa, sb] = await Promise.all([displayedSeconds(a), displayedSeconds(b)]);
  assert.ok(Math.abs(sa - sb) <= 1, `A shows ${sa} s, B shows ${sb} s`);
  assert.ok(sa < 600 && sa >= 595, `the time runs down from 10:00 (shows ${sa} s)`);

  await byId(b, "timer-pause").click();
  await waitUntil("A shows the timer paused", 1000, async () =>
    (await timerState(a)) === "paused" && (await active(a, "timer-start")));
  const [pa, pb] = await Promise.all([displayedSeconds(a), displayedSeconds(b)]);
  assert.equal(pa, pb, "paused screens show the same time");
  const room = (await server.api("GET", `/rooms/${code}`)).room;
  assert.equal(room.timer.state, "paused");
  assert.ok(Math.abs(room.timer.remaining_ms / 1000 - pa) <= 1);
});

test("a one-second round ends on both screens with the roles swapped exactly once", async () => {
  const created = await server.createRoom(["Ann", "Bob"], [{ label: "Round", duration_ms: 1000 }]);
  const code = created.room.code;
  const a = await openRoom(await browser.newContext(), server, code, "Ann");
  const b = await openRoom(await browser.newContext(), server, code, "Bob");
  for (const page of [a, b]) {
    assert.equal(await byId(page, "timeup-banner").isVisible(), false);
  }

  await byId(a, "timer-start").click();
  for (const page of [a, b]) {
    await waitUntil("the time-up banner", 4000, () => byId(page, "timeup-banner").isVisible());
    await waitUntil("the roles swapped", 1000, async () =>
      (await text(page, "driver-name")) === "Bob" && (await text(page, "navigator-name")) === "Ann");
  }
  // Nothing swaps them back or again afterwards.
  await new Promise((r) => setTimeout(r, 2000));
  for (const page of [a, b]) {
    assert.equal(await text(page, "driver-name"), "Bob");
    assert.equal(await text(page, "navigator-name"), "Ann");
    assert.equal(await text(page, "completed-rounds"), "1");
    assert.equal(await timerState(page), "idle");
    assert.equal(await text(page, "timer-display"), "00:01");
  }
  const room = (await server.api("GET", `/rooms/${code}`)).room;
  assert.deepEqual(room.participants, ["Bob", "Ann"]);
  assert.equal(room.timer.completed_rounds, 1);

  await byId(a, "timeup-dismiss").click();
  assert.equal(await byId(a, "timeup-banner").isVisible(), false);
});
