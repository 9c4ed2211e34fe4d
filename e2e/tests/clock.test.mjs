// The time on the screen is drawn from the server's deadline and a measured
// clock offset, never counted from ticks: a screen whose clock is minutes
// off, and which hears every event late, still shows the same remaining time
// as another screen to within 100 ms, and the display runs down smoothly.
//
// How the clock is skewed: Playwright's `context.clock` and `addInitScript`
// reach pages only, not workers (checked with Playwright 1.64 and Chromium
// 156), and the offset is measured in the SharedWorker that holds the
// room's stream. But the worker's own script request does pass through
// `context.route`, so the skewed browser gets the real stream-worker.js with a
// prelude that moves the worker's `Date` minutes ahead (and delays the
// stream's events), while an init script moves the page's `Date` by the same
// amount: page and worker then share one wrong clock, as on a real machine.
// `performance.timeOrigin + performance.now()` is left alone, so the test
// can still compare both screens against the real time.

import assert from "node:assert/strict";
import { test } from "node:test";

import { byId, openRoom, timerState, waitUntil, serverAndBrowser } from "../lib/browser.mjs";

/** How far the skewed browser's clock runs ahead: several minutes. */
const SKEW_MS = 4 * 60_000 + 321;
/** How late the skewed browser's stream delivers every snapshot and change. */
const LATE_MS = 700;
/** How closely two screens must agree. */
const AGREE_MS = 100;

const { server, browser } = await serverAndBrowser();

/** Moves this global scope's `Date` (now and `new Date()`) `skew` ms ahead. */
function skewDate(skew) {
  const RealDate = Date;
  globalThis.Date = class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + skew);
      else super(...args);
    }

    static now() {
      return RealDate.now() + skew;
    }
  };
}

/** Makes this worker's EventSources deliver snapshots and changes `late` ms late. */
function lateEvents(late) {
  const add = EventSource.prototype.addEventListener;
  EventSource.prototype.addEventListener = function addLate(type, listener, options) {
    if (type !== "snapshot" && type !== "change") return add.call(this, type, listener, options);
    return add.call(this, type, (event) => setTimeout(() => listener.call(this, event), late), options);
  };
}

/** Answers every new connection with the worker's clock, for the test to check. */
function clockProbe() {
  self.addEventListener("connect", (event) => {
    event.ports[0].postMessage({
      type: "clock-probe", now: Date.now(), real: performance.timeOrigin + performance.now(),
    });
  });
}

/** A browser context whose pages and SharedWorker run `SKEW_MS` fast and hear events `LATE_MS` late. */
async function skewedContext() {
  const context = await browser.newContext();
  await context.addInitScript(skewDate, SKEW_MS);
  await context.route("**/assets/stream-worker.js", async (route) => {
    const response = await route.fetch();
    const prelude = [
      `(${skewDate})(${SKEW_MS});`,
      `(${lateEvents})(${LATE_MS});`,
      `(${clockProbe})();`,
    ].join("\n");
    await route.fulfill({ response, body: `${prelude}\n${await response.text()}` });
  });
  return context;
}

/** How far the page's clock is from the real time, in ms, and its stream worker's
 * (when `probeWorker`: only the skewed context's worker answers the probe). */
function clockSkews(page, probeWorker) {
  return page.evaluate(async (probeWorker) => {
    const real = () => performance.timeOrigin + performance.now();
    const pageSkew = Date.now() - real();
    if (!probeWorker) return { page: pageSkew, worker: null };
    // a second port to the same SharedWorker; the prelude answers it with the worker's clock
    const worker = new SharedWorker("/assets/stream-worker.js", { type: "module", name: "pairroom-stream" });
    const probe = await Promise.race([
      new Promise((resolve) => {
        worker.port.addEventListener("message", (m) => m.data?.type === "clock-probe" && resolve(m.data));
        worker.port.start();
      }),
      new Promise((resolve) => setTimeout(() => resolve(null), 3000)),
    ]);
    worker.port.close();
    return { page: pageSkew, worker: probe ? probe.now - probe.real : null };
  }, probeWorker);
}

/** The remaining ms the page drew on its latest frame, with the real time of that frame. */
function readClock(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const read = (viaFrame) => {
      const el = document.querySelector('[data-testid="timer-display"]');
      resolve({
        at: performance.timeOrigin + performance.now(),
        rem: Number(el.dataset.remainingMs),
        text: el.textContent.trim(),
        viaFrame,
      });
    };
    // the timer's own frame callback was queued first, so it has just drawn
    requestAnimationFrame(() => read(true));
    setTimeout(() => read(false), 500);
  }));
}

/** Reads both pages at once; the deadline each one implies, in real time. */
async function deadlines(a, b) {
  const [ra, rb] = await Promise.all([readClock(a), readClock(b)]);
  for (const r of [ra, rb]) {
    assert.ok(Number.isFinite(r.rem), `data-remaining-ms is a number (${JSON.stringify(r)})`);
    assert.ok(r.viaFrame, "the page draws on animation frames");
  }
  return { a: ra.at + ra.rem, b: rb.at + rb.rem, ra, rb };
}

/** `mm:ss` or `h:mm:ss` in seconds. */
function seconds(text) {
  return text.split(":").map(Number).reduce((total, part) => total * 60 + part, 0);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("a screen with its clock minutes fast, hearing events late, shows the same time to 100 ms", async () => {
  const code = (await server.createRoom(["Ann", "Bob"], [{ label: "Round", duration_ms: 600_000 }])).room.code;
  const contextA = await browser.newContext();
  const contextB = await skewedContext();
  const a = await openRoom(contextA, server, code, "Ann");
  const b = await openRoom(contextB, server, code, "Bob");

  // The skew is real where the offset is measured (the worker) and where it is used (the page).
  const [skewA, skewB] = await Promise.all([clockSkews(a, false), clockSkews(b, true)]);
  assert.ok(Math.abs(skewA.page) < 50, `A's page clock is right (${skewA.page} ms off)`);
  assert.ok(Math.abs(skewB.page - SKEW_MS) < 50, `B's page clock runs ${SKEW_MS} ms fast (${skewB.page})`);
  assert.ok(skewB.worker !== null && Math.abs(skewB.worker - SKEW_MS) < 50,
    `B's stream worker clock runs ${SKEW_MS} ms fast (${skewB.worker})`);

  // Idle: both draw the plan's full length, exactly.
  const idle = await deadlines(a, b);
  assert.equal(idle.ra.rem, 600_000);
  assert.equal(idle.rb.rem, 600_000);

  // A starts; B hears of it late, and then at once shows the same time as A.
  await byId(a, "timer-start").click();
  const clicked = Date.now();
  await waitUntil("A shows the timer running", 2000, async () => (await timerState(a)) === "running");
  await waitUntil("B shows the timer running", 2000 + LATE_MS, async () => (await timerState(b)) === "running");
  const lag = Date.now() - clicked;
  assert.ok(lag >= LATE_MS * 0.8, `B heard of the start ${lag} ms after the click: the events were not late`);
  const { room } = await server.api("GET", `/rooms/${code}`);
  const deadline = room.timer.ends_at_ms;

  // Several times over a few seconds: both screens imply the server's deadline, to 100 ms.
  for (let i = 0; i < 7; i++) {
    const d = await deadlines(a, b);
    const what = `read ${i}: A ${d.ra.rem} ms (${d.ra.text}), B ${d.rb.rem} ms (${d.rb.text}), read ${Math.round(d.rb.at - d.ra.at)} ms apart`;
    assert.ok(Math.abs(d.a - d.b) <= AGREE_MS, `${what}: the screens differ by ${Math.round(d.a - d.b)} ms`);
    assert.ok(Math.abs(d.a - deadline) <= AGREE_MS, `${what}: A is ${Math.round(d.a - deadline)} ms off the server`);
    assert.ok(Math.abs(d.b - deadline) <= AGREE_MS, `${what}: B is ${Math.round(d.b - deadline)} ms off the server`);
    assert.ok(d.ra.rem < 600_000 && d.ra.rem > 590_000, what);
    await sleep(400);
  }

  // Paused (by the late screen): both draw the server's remaining time, exactly.
  await byId(b, "timer-pause").click();
  for (const page of [a, b]) {
    await waitUntil("paused", 2000 + LATE_MS, async () => (await timerState(page)) === "paused");
  }
  const paused = (await server.api("GET", `/rooms/${code}`)).room.timer.remaining_ms;
  const shown = await deadlines(a, b);
  assert.equal(shown.ra.rem, paused);
  assert.equal(shown.rb.rem, paused);
  assert.equal(shown.ra.text, shown.rb.text);

  await contextA.close();
  await contextB.close();
});

/** Samples the page's drawn time and text every ~100 ms for `ms`. */
function sample(page, ms) {
  return page.evaluate(async (ms) => {
    const el = document.querySelector('[data-testid="timer-display"]');
    const out = [];
    const start = performance.now();
    for (;;) {
      out.push({ at: performance.now(), rem: Number(el.dataset.remainingMs), text: el.textContent.trim() });
      if (performance.now() - start >= ms) return out;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, ms);
}

/** Asserts that samples fall steadily and that the text ticks once a second. */
function assertSmooth(who, samples) {
  assert.ok(samples.length >= 25, `${who}: ${samples.length} samples`);
  const changes = [];
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    assert.equal(seconds(s.text), Math.ceil(s.rem / 1000),
      `${who}: the text ${s.text} shows the drawn time ${s.rem} ms, rounded up`);
    if (i === 0) continue;
    const p = samples[i - 1];
    const drop = p.rem - s.rem;
    const dt = s.at - p.at;
    assert.ok(drop > 0, `${who}: the time fell from ${p.rem} to ${s.rem} ms in ${Math.round(dt)} ms`);
    assert.ok(Math.abs(drop - dt) <= 150,
      `${who}: the time fell ${drop} ms in ${Math.round(dt)} ms (a jump, not a smooth run)`);
    if (s.text !== p.text) {
      assert.equal(seconds(p.text) - seconds(s.text), 1, `${who}: ${p.text} -> ${s.text} skips a second`);
      changes.push(s.at);
    }
  }
  const span = samples.at(-1).at - samples[0].at;
  const whole = Math.floor(span / 1000);
  assert.ok(changes.length === whole || changes.length === whole + 1,
    `${who}: the text changed ${changes.length} times in ${Math.round(span)} ms`);
  for (let i = 1; i < changes.length; i++) {
    const gap = changes[i] - changes[i - 1];
    assert.ok(gap > 750 && gap < 1250, `${who}: the text changed ${Math.round(gap)} ms after its last change`);
  }
}

test("the display runs down smoothly: sampled every 100 ms for 3 s it falls steadily and ticks once a second", async () => {
  const code = (await server.createRoom(["Ann", "Bob"], [{ label: "Round", duration_ms: 600_000 }])).room.code;
  const contextA = await browser.newContext();
  const contextB = await skewedContext();
  const a = await openRoom(contextA, server, code, "Ann");
  const b = await openRoom(contextB, server, code, "Bob");
  await server.api("POST", `/rooms/${code}/timer/start`);
  for (const page of [a, b]) {
    await waitUntil("running", 2000 + LATE_MS, async () => (await timerState(page)) === "running");
  }

  const [sa, sb] = await Promise.all([sample(a, 3000), sample(b, 3000)]);
  assertSmooth("A", sa);
  assertSmooth("B (clock fast, events late)", sb);

  await contextA.close();
  await contextB.close();
});
