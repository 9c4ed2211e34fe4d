// Headless Chromium (Debian's, never a downloaded one) and the few helpers
// every browser test needs: open a room as someone, find elements by their
// `data-testid`, wait for a condition with a deadline, read the clock.

import { after } from "node:test";
import { chromium } from "playwright-core";

/** Flags that keep Chromium quiet on a machine without internet. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches Chromium from `CHROMIUM` or `/usr/bin/chromium`. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: FLAGS,
  });
}

/** The locator of the element with this `data-testid`. */
export function byId(page, id) {
  return page.locator(`[data-testid="${id}"]`);
}

/** Polls `check` (sync or async, truthy = done) every 25 ms until it holds
 * or `ms` pass; then fails with `what` and the last value seen. */
export async function waitUntil(what, ms, check) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > until) {
      throw new Error(`not within ${ms} ms: ${what} (last seen: ${JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Opens a room's page as `name` and waits until its stream is live. */
export async function openRoom(context, server, code, name) {
  const page = await context.newPage();
  const query = name ? `?name=${encodeURIComponent(name)}` : "";
  await page.goto(`${server.base}/r/${code}${query}`);
  await waitLive(page);
  return page;
}

/** Waits until the page says its connection is live. */
export function waitLive(page, ms = 10_000) {
  return waitUntil("connection live", ms, () => state(page, "connection-status"));
}

/** The `data-state` of an element, `live` only (for waitLive). */
async function state(page, id) {
  return (await byId(page, id).getAttribute("data-state", { timeout: 500 })) === "live";
}

/** The timer state the page draws: idle, running or paused. */
export function timerState(page) {
  return byId(page, "room").getAttribute("data-timer-state", { timeout: 500 });
}

/** The text of an element, trimmed. */
export async function text(page, id) {
  return (await byId(page, id).textContent({ timeout: 500 })).trim();
}

/** The timer display in seconds (`mm:ss` or `h:mm:ss`). */
export async function displayedSeconds(page) {
  const shown = await text(page, "timer-display");
  const parts = shown.split(":").map(Number);
  if (parts.some(Number.isNaN)) throw new Error(`not a time: ${shown}`);
  return parts.reduce((total, part) => total * 60 + part, 0);
}

/** Whether an element is visible and enabled. */
export async function active(page, id) {
  const el = byId(page, id);
  return (await el.isVisible()) && (await el.isEnabled());
}

/** Starts a fresh server and Chromium for one test file (top-level await)
 * and stops both when the file's tests are done. */
export async function serverAndBrowser() {
  const { Server } = await import("./server.mjs");
  const server = await Server.start();
  const browser = await launch();
  after(async () => {
    await browser.close();
    await server.stop();
  });
  return { server, browser };
}
