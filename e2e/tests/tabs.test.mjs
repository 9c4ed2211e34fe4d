// Eight tabs of one browser on one room stay live together: the tabs share
// one event stream, so they never exhaust the browser's six connections
// per origin (HTTP/1.1), and a start in one tab shows in all of them.

import assert from "node:assert/strict";
import { test } from "node:test";

import { byId, openRoom, timerState, waitLive, waitUntil, serverAndBrowser } from "../lib/browser.mjs";

const { server, browser } = await serverAndBrowser();

test("eight tabs stay live and all see a start", async () => {
  const code = (await server.createRoom(["Ann", "Bob"])).room.code;
  const context = await browser.newContext();
  const tabs = [];
  for (let i = 0; i < 8; i++) {
    tabs.push(await openRoom(context, server, code, "Ann"));
  }
  // Still live a while later, and every tab can still reach the API.
  await new Promise((r) => setTimeout(r, 1500));
  for (const [i, tab] of tabs.entries()) {
    await waitLive(tab, 2000).catch(() => assert.fail(`tab ${i + 1} is not live`));
  }

  await byId(tabs[7], "timer-start").click();
  for (const [i, tab] of tabs.entries()) {
    await waitUntil(`tab ${i + 1} shows the timer running`, 2000, async () =>
      (await timerState(tab)) === "running");
  }

  // Closing the other seven leaves the last one live and up to date.
  for (const tab of tabs.slice(0, 7)) await tab.close();
  await server.api("POST", `/rooms/${code}/timer/pause`);
  await waitUntil("the last tab shows the pause", 2000, async () =>
    (await timerState(tabs[7])) === "paused");
  await waitLive(tabs[7], 1000);
});
