// The page survives what servers do: a restart during a running timer
// (the page reconnects by itself and shows the right time) and a reload
// (everything is still there).

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  byId, displayedSeconds, openRoom, text, timerState, waitLive, waitUntil, serverAndBrowser,
} from "../lib/browser.mjs";

const { server, browser } = await serverAndBrowser();

/** Seconds left on the server's clock, rounded up as a display shows them. */
async function serverSeconds(code) {
  const { room, server_time_ms: now } = await server.api("GET", `/rooms/${code}`);
  const left = room.timer.state === "running" ? room.timer.ends_at_ms - now : room.timer.remaining_ms;
  return Math.ceil(left / 1000);
}

test("a server restart during a running timer: the page reconnects and shows the right time", async () => {
  const code = (await server.createRoom(["Ann", "Bob"], [{ label: "Round", duration_ms: 300_000 }])).room.code;
  const page = await openRoom(await browser.newContext(), server, code, "Ann");
  await byId(page, "timer-start").click();
  await waitUntil("running", 2000, async () => (await timerState(page)) === "running");

  await server.kill("SIGKILL");
  await waitUntil("the page notices the server is gone", 5000, async () =>
    (await byId(page, "connection-status").getAttribute("data-state")) !== "live");
  // A change made while the page was away must show after it returns.
  await new Promise((r) => setTimeout(r, 1000));
  await server.launch();
  await server.api("POST", `/rooms/${code}/roles/rotate`);

  await waitLive(page, 15_000);
  await waitUntil("the rotation made while away", 3000, async () =>
    (await text(page, "driver-name")) === "Bob");
  assert.equal(await timerState(page), "running");
  const [shown, expected] = await Promise.all([displayedSeconds(page), serverSeconds(code)]);
  assert.ok(Math.abs(shown - expected) <= 1, `page shows ${shown} s, server says ${expected} s`);
  assert.ok(expected < 300 && expected > 280, `the timer kept running (${expected} s left)`);
});

test("a reload keeps the timer, the roles and the workspace", async () => {
  const code = (await server.createRoom(["Ann", "Bob", "Cid"])).room.code;
  const page = await openRoom(await browser.newContext(), server, code, "Ann");
  await byId(page, "todo-input").fill("keep me");
  await byId(page, "todo-add").click();
  await waitUntil("the todo", 2000, async () => (await byId(page, "todo-text").count()) === 1);
  await byId(page, "swap-roles").click();
  await waitUntil("Bob drives", 2000, async () => (await text(page, "driver-name")) === "Bob");
  await byId(page, "timer-start").click();
  await waitUntil("running", 2000, async () => (await timerState(page)) === "running");
  await new Promise((r) => setTimeout(r, 1100));
  await byId(page, "timer-pause").click();
  await waitUntil("paused", 2000, async () => (await timerState(page)) === "paused");
  const before = await displayedSeconds(page);

  await page.reload();
  await waitLive(page);
  assert.equal(await timerState(page), "paused");
  assert.equal(await displayedSeconds(page), before);
  assert.equal(await text(page, "driver-name"), "Bob");
  assert.equal(await text(page, "navigator-name"), "Cid");
  const rotation = await byId(page, "rotation-list").locator("li").allTextContents();
  assert.equal(rotation.length, 3);
  ["Bob", "Cid", "Ann"].forEach((name, i) => assert.ok(rotation[i].includes(name), `${rotation}`));
  assert.deepEqual((await byId(page, "todo-text").allTextContents()).map((t) => t.trim()), ["keep me"]);
  assert.equal(await text(page, "room-code"), code);
});
