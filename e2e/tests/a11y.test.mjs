// The room for people who do not use a mouse, who read Korean or English,
// who use a screen reader or a phone, and who look away from the tab:
// every action by keyboard alone (checked on the server and on a second
// browser), both languages with a toggle that sticks, labels, names, focus
// order, contrast and the time-up announcement checked programmatically, no
// sideways scrolling at 375 px, and the time-up alarms (tab title, banner,
// sound with test and mute, a desktop notification for an unfocused tab).

import assert from "node:assert/strict";
import { test } from "node:test";

import { byId, openRoom, text, timerState, waitLive, waitUntil, serverAndBrowser } from "../lib/browser.mjs";

const { server, browser } = await serverAndBrowser();

/** The server's view of the room and of its workspace. */
async function room(code) {
  return (await server.api("GET", `/rooms/${code}`)).room;
}
async function todos(code) {
  return (await server.api("GET", `/rooms/${code}/workspace`)).workspace.todos;
}

/** What has keyboard focus: its data-testid, tag and text. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return {
      testid: el?.dataset?.testid ?? null,
      tag: el?.tagName ?? null,
      text: (el?.textContent || "").trim().slice(0, 60),
      body: !el || el === document.body,
    };
  });
}

/** Presses Tab (Shift+Tab with `back`) until `match(focused)` holds; at most 80 presses. */
async function tabTo(page, what, match, { back = false } = {}) {
  if (typeof match === "string") {
    const id = match;
    match = (f) => f.testid === id;
  }
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    const f = await focused(page);
    if (match(f)) return f;
  }
  return assert.fail(`${back ? "Shift+Tab" : "Tab"} never reached ${what}`);
}

const HANGUL = /[\uac00-\ud7a3]/;

// ---------------------------------------------------------------------------

test("keyboard only: Space starts and pauses; Tab, Enter, Space and Alt+↑ add, move and check a todo, swap roles, copy the link, and reach every control", async () => {
  const code = (await server.createRoom(["Ann", "Bob", "Cid"])).room.code;
  await server.api("POST", `/rooms/${code}/categories`, { name: "docs" });
  await server.api("POST", `/rooms/${code}/links`, { url: "http://127.0.0.1:9/guide" });
  const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const page = await openRoom(context, server, code, "Ann");
  const otherContext = await browser.newContext();
  const other = await openRoom(otherContext, server, code, "Bob");
  assert.ok((await focused(page)).body, "nothing has focus after the page loads");

  // Space on the page (focus on the body) starts, and again pauses.
  await page.keyboard.press("Space");
  await waitUntil("running on the server", 2000, async () => (await room(code)).timer.state === "running");
  await waitUntil("running in the other browser", 2000, async () => (await timerState(other)) === "running");
  await page.keyboard.press("Space");
  await waitUntil("paused on the server", 2000, async () => (await room(code)).timer.state === "paused");

  // Two todos typed into the box.
  await tabTo(page, "the todo box", "todo-input");
  await page.keyboard.type("first");
  await page.keyboard.press("Enter");
  await waitUntil("the first todo on the server", 2000, async () => (await todos(code)).length === 1);
  await page.keyboard.type("second");
  await page.keyboard.press("Enter");
  await waitUntil("both todos on the server", 2000, async () =>
    JSON.stringify((await todos(code)).map((t) => t.content)) === '["first","second"]');
  await waitUntil("both todos on the page", 2000, async () => (await byId(page, "todo-item").count()) === 2);

  // Alt+ArrowUp on the second moves it first; focus stays on it.
  await tabTo(page, "the second todo", (f) => f.testid === "todo-text" && f.text === "second");
  await page.keyboard.press("Alt+ArrowUp");
  await waitUntil("the new order on the server", 2000, async () =>
    JSON.stringify((await todos(code)).map((t) => t.content)) === '["second","first"]');
  await waitUntil("the new order in the other browser", 2000, async () =>
    JSON.stringify((await byId(other, "todo-text").allTextContents()).map((t) => t.trim())) === '["second","first"]');
  await waitUntil("focus still on the moved todo", 1000, async () => {
    const f = await focused(page);
    return f.testid === "todo-text" && f.text === "second";
  });

  // Shift+Tab to its checkbox, Space checks it.
  await page.keyboard.press("Shift+Tab");
  assert.equal((await focused(page)).testid, "todo-check");
  await page.keyboard.press("Space");
  await waitUntil("checked on the server", 2000, async () => {
    const [first, second] = await todos(code);
    return first.content === "second" && first.checked && !second.checked;
  });
  await waitUntil("checked in the other browser", 2000, () => byId(other, "todo-check").first().isChecked());
  assert.equal((await room(code)).timer.state, "paused", "Space on a checkbox does not touch the timer");

  // Back up to the swap button; Enter rotates the roles.
  await tabTo(page, "swap roles", "swap-roles", { back: true });
  await page.keyboard.press("Enter");
  await waitUntil("rotated on the server", 2000, async () =>
    JSON.stringify((await room(code)).participants) === '["Bob","Cid","Ann"]');
  await waitUntil("rotated in the other browser", 2000, async () => (await text(other, "driver-name")) === "Bob");

  // Further back to the room's link; Enter copies it.
  await tabTo(page, "copy link", "copy-link", { back: true });
  await page.keyboard.press("Enter");
  const link = `${server.base}/r/${code}`;
  await waitUntil("the link on the clipboard", 2000, async () =>
    (await page.evaluate(() => navigator.clipboard.readText())) === link);

  // Tab from there reaches every visible, enabled control of the room.
  await page.evaluate(() => {
    window.__reached = new Set([document.activeElement]);
    document.addEventListener("focusin", (e) => window.__reached.add(e.target));
  });
  const unreached = () => page.evaluate(() =>
    [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")]
      .filter((el) => el.tabIndex >= 0 && !el.disabled && el.checkVisibility({ visibilityProperty: true }))
      .filter((el) => !window.__reached.has(el))
      .map((el) => el.dataset.testid || el.outerHTML.slice(0, 80)));
  let left = await unreached();
  for (let i = 0; i < 150 && left.length > 0; i++) {
    await page.keyboard.press("Tab");
    left = await unreached();
  }
  assert.deepEqual(left, [], "controls Tab never reaches");

  await context.close();
  await otherContext.close();
});

// ---------------------------------------------------------------------------

/** Hangul in the page's text or labels, leaving out the language toggle (it names the other language). */
function hangulLeft(page) {
  return page.evaluate((source) => {
    const hangul = new RegExp(source);
    const found = [];
    const skip = (el) => el.closest("[data-testid=lang-toggle]");
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (hangul.test(node.data) && !skip(node.parentElement)) found.push(node.data.trim());
    }
    for (const el of document.body.querySelectorAll("*")) {
      for (const attr of ["aria-label", "placeholder", "title", "alt"]) {
        const value = el.getAttribute(attr);
        if (value && hangul.test(value) && !skip(el)) found.push(`${attr}="${value}"`);
      }
    }
    return found;
  }, HANGUL.source);
}

/** English labels found in the page's text (for a page that should be Korean). */
function englishLeft(page) {
  return page.evaluate(() => {
    const labels = ["Start", "Reset", "Swap roles", "Todos", "Links", "Retrospect", "Driver", "Navigator",
      "Test sound", "Mute", "Notify me", "Rounds done", "Here now", "Add link", "Copy link", "Live"];
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) texts.push(walker.currentNode.data.trim());
    return labels.filter((label) => texts.includes(label));
  });
}

test("Korean follows the browser's language; the toggle (by keyboard) switches every label and sticks; en-US is English", async () => {
  const code = (await server.createRoom(["Ann", "Bob"])).room.code;
  await server.api("POST", `/rooms/${code}/todos`, { content: "write a test" });
  const korean = await browser.newContext({ locale: "ko-KR" });
  const page = await openRoom(korean, server, code, "Ann");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "ko");
  assert.equal(await text(page, "timer-start"), "시작");
  assert.equal(await text(page, "swap-roles"), "역할 바꾸기");
  assert.equal(await byId(page, "todo-delete").getAttribute("aria-label"), "“write a test” 삭제");
  assert.deepEqual(await englishLeft(page), [], "English labels on the Korean page");

  await tabTo(page, "the language toggle", "lang-toggle");
  await page.keyboard.press("Enter");
  await waitUntil("English", 1000, async () => (await page.evaluate(() => document.documentElement.lang)) === "en");
  assert.equal(await text(page, "timer-start"), "Start");
  assert.equal(await text(page, "swap-roles"), "Swap roles");
  assert.equal(await byId(page, "todo-delete").getAttribute("aria-label"), "Delete “write a test”");
  assert.deepEqual(await hangulLeft(page), [], "Korean left on the page after switching to English");
  assert.equal((await focused(page)).testid, "lang-toggle", "focus stays on the toggle");

  // The choice survives a reload, and holds on the home page too.
  await page.reload();
  await waitLive(page);
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  assert.equal(await text(page, "timer-start"), "Start");
  await page.goto(server.base + "/");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  assert.equal(await text(page, "create-room"), "Create room");
  await korean.close();

  // An English browser gets English from the start.
  const english = await browser.newContext({ locale: "en-US" });
  const enPage = await openRoom(english, server, code, "Bob");
  assert.equal(await enPage.evaluate(() => document.documentElement.lang), "en");
  assert.equal(await text(enPage, "timer-start"), "Start");
  assert.deepEqual(await hangulLeft(enPage), [], "Korean on an English browser's page");
  await english.close();
});

// ---------------------------------------------------------------------------

/** Form fields without a label, buttons without a name, broken references, duplicate ids, positive tabindex. */
function a11yProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const textOfIds = (ids) => ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent.trim() || "").join(" ").trim();
    const describe = (el) => el.dataset.testid || el.outerHTML.slice(0, 80);
    for (const el of document.querySelectorAll("input, select, textarea")) {
      if (el.type === "hidden") continue;
      const labelled = (el.getAttribute("aria-label") || "").trim()
        || (el.getAttribute("aria-labelledby") && textOfIds(el.getAttribute("aria-labelledby")))
        || (el.id && [...document.querySelectorAll(`label[for="${CSS.escape(el.id)}"]`)].some((l) => l.textContent.trim()));
      if (!labelled) problems.push(`no label: ${describe(el)}`);
    }
    for (const el of document.querySelectorAll("button, [role=button], a[href]")) {
      const named = (el.getAttribute("aria-label") || "").trim()
        || (el.getAttribute("aria-labelledby") && textOfIds(el.getAttribute("aria-labelledby")))
        || el.textContent.trim();
      if (!named) problems.push(`no name: ${describe(el)}`);
    }
    for (const el of document.querySelectorAll("[aria-labelledby], [aria-describedby]")) {
      for (const attr of ["aria-labelledby", "aria-describedby"]) {
        for (const id of (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean)) {
          if (!document.getElementById(id)) problems.push(`${attr}="${id}" points nowhere: ${describe(el)}`);
        }
      }
    }
    const ids = [...document.querySelectorAll("[id]")].map((el) => el.id);
    for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) problems.push(`duplicate id ${id}`);
    for (const el of document.querySelectorAll("[tabindex]")) {
      if (el.tabIndex > 0) problems.push(`tabindex ${el.tabIndex} breaks the focus order: ${describe(el)}`);
    }
    for (const img of document.querySelectorAll("img")) {
      if (!img.hasAttribute("alt")) problems.push(`img without alt: ${img.src}`);
    }
    return problems;
  });
}

/** Visible text whose contrast with what is behind it is under WCAG AA (4.5:1, or 3:1 when large). */
function lowContrast(page) {
  return page.evaluate(() => {
    const parse = (color) => {
      const m = color.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const over = (top, bottom) => ({
      r: top.r * top.a + bottom.r * (1 - top.a),
      g: top.g * top.a + bottom.g * (1 - top.a),
      b: top.b * top.a + bottom.b * (1 - top.a),
      a: 1,
    });
    const background = (el) => {
      const layers = [];
      for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
        const bg = parse(getComputedStyle(node).backgroundColor);
        if (bg && bg.a > 0) layers.push(bg);
        if (bg && bg.a >= 1) break;
      }
      return layers.reverse().reduce((below, layer) => over(layer, below), { r: 255, g: 255, b: 255, a: 1 });
    };
    const luminance = ({ r, g, b }) => {
      const lin = (v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const found = [];
    for (const el of document.querySelectorAll("body *")) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.data.trim());
      if (!own || !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      if (el.closest(".sr-only, .offscreen, :disabled, option")) continue;
      const style = getComputedStyle(el);
      const bg = background(el);
      const fg = over(parse(style.color), bg);
      const [l1, l2] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        found.push(`${ratio.toFixed(2)}:1 "${el.textContent.trim().slice(0, 30)}" (${style.color} on rgb(${bg.r}, ${bg.g}, ${bg.b}))`);
      }
    }
    return found;
  });
}

test("every field has a label and every button a name, the focus order is the page's, text has contrast, and the time-up is announced", async () => {
  const context = await browser.newContext();
  const home = await context.newPage();
  await home.goto(server.base + "/");
  await byId(home, "create-room").waitFor();
  assert.deepEqual(await a11yProblems(home), [], "home page");
  assert.deepEqual(await lowContrast(home), [], "home page");

  const code = (await server.createRoom(["Ann", "Bob"], [{ label: "Round", duration_ms: 1000 }])).room.code;
  await server.api("POST", `/rooms/${code}/todos`, { content: "name me" });
  await server.api("POST", `/rooms/${code}/categories`, { name: "docs" });
  await server.api("POST", `/rooms/${code}/links`, { url: "http://127.0.0.1:9/guide" });

  // Without a name the room asks "who are you?": focus is in the dialog, its controls are named.
  const page = await context.newPage();
  await page.goto(`${server.base}/r/${code}`);
  await byId(page, "name-dialog").waitFor();
  assert.equal(await page.evaluate(() => !!document.activeElement?.closest("dialog[open]")), true,
    "focus moves into the dialog");
  assert.deepEqual(await a11yProblems(page), [], "room page with the name dialog");
  await page.keyboard.press("Enter"); // the first name has focus
  await waitUntil("the dialog closes", 2000, async () => (await byId(page, "name-dialog").count()) === 0);
  await waitUntil("Ann is present", 3000, async () =>
    (await byId(page, "presence-item").allTextContents()).includes("Ann"));
  assert.deepEqual(await a11yProblems(page), [], "room page");
  assert.deepEqual(await lowContrast(page), [], "room page");

  // The live region is in the page from the start, polite or assertive, read as a whole.
  const live = byId(page, "live-region");
  assert.match(await live.getAttribute("aria-live"), /^(assertive|polite)$/);
  assert.equal(await live.getAttribute("aria-atomic"), "true");
  assert.equal(await live.textContent(), "");

  // A one-second round: the time-up is announced, with who drives now.
  await byId(page, "timer-start").click();
  await waitUntil("the live region announces the time-up", 4000, async () =>
    (await live.textContent()).includes("Time's up — swap roles!"));
  assert.match(await live.textContent(), /Bob drives now, Ann navigates\./);
  assert.ok(await byId(page, "timeup-banner").isVisible());
  assert.deepEqual(await lowContrast(page), [], "room page with the time-up banner");
  await context.close();
});

// ---------------------------------------------------------------------------

/** Whether the page is wider than its window (scrolls sideways), and which controls stick out. */
function sideways(page) {
  return page.evaluate(() => {
    const root = document.scrollingElement;
    const out = [...document.querySelectorAll("[data-testid]")]
      .filter((el) => el.checkVisibility() && !el.closest(".sr-only"))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.left < -0.5 || r.right > root.clientWidth + 0.5);
      })
      .map((el) => el.dataset.testid);
    return { scroll: root.scrollWidth, client: root.clientWidth, out: [...new Set(out)] };
  });
}

function assertFits(where, seen) {
  assert.ok(seen.scroll <= seen.client, `${where}: ${seen.scroll} px wide in ${seen.client}`);
  assert.deepEqual(seen.out, [], `${where}: controls outside the window`);
}

test("at phone width (375 px) no page scrolls sideways, in Korean or English, with long names, todos and links", async () => {
  const names = Array.from({ length: 12 }, (_, i) => `Bartholomew Longn${String(i).padStart(3, "0")}`);
  const code = (await server.createRoom(names, [{ label: "Round", duration_ms: 1000 }])).room.code;
  await server.api("POST", `/rooms/${code}/todos`, { content: "x".repeat(255) });
  await server.api("POST", `/rooms/${code}/todos`, { content: "a todo with ordinary words that wraps" });
  const cat = await server.api("POST", `/rooms/${code}/categories`, { name: "documentsx" });
  await server.api("POST", `/rooms/${code}/links`, {
    url: `http://127.0.0.1:9/${"very-long-path-segment/".repeat(30)}`, category_id: cat.id,
  });

  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: "ko-KR" });
  const home = await context.newPage();
  await home.goto(server.base + "/");
  await byId(home, "create-room").waitFor();
  assertFits("home (ko)", await sideways(home));

  const page = await openRoom(context, server, code, names[0]);
  await waitUntil("the link shows", 3000, async () => (await byId(page, "link-item").count()) === 1);
  assertFits("room (ko)", await sideways(page));

  await server.api("POST", `/rooms/${code}/timer/start`);
  await waitUntil("the time-up banner", 4000, () => byId(page, "timeup-banner").isVisible());
  assertFits("room with the banner (ko)", await sideways(page));

  await byId(page, "lang-toggle").click();
  await waitUntil("English", 1000, async () => (await text(page, "timer-start")) === "Start");
  assertFits("room with the banner (en)", await sideways(page));
  await home.reload();
  await byId(home, "create-room").waitFor();
  assertFits("home (en)", await sideways(home));
  await context.close();
});

// ---------------------------------------------------------------------------

/** Records, in every page of the context, the notifications created, the permission
 * requests (with the event being handled when asked), and the oscillators started. */
function recordAlarms() {
  window.__alarms = { notifications: [], requests: [], oscillators: 0 };
  const Real = window.Notification;
  if (Real) {
    window.Notification = new Proxy(Real, {
      construct(target, args, newTarget) {
        window.__alarms.notifications.push({
          title: args[0], body: args[1]?.body, focused: document.hasFocus(), hidden: document.hidden,
        });
        return Reflect.construct(target, args, newTarget);
      },
    });
    const request = Real.requestPermission;
    Real.requestPermission = function requestPermission(...args) {
      window.__alarms.requests.push({ event: window.event?.type ?? null, trusted: window.event?.isTrusted ?? false });
      return request.apply(Real, args);
    };
  }
  const create = BaseAudioContext.prototype.createOscillator;
  BaseAudioContext.prototype.createOscillator = function createOscillator(...args) {
    window.__alarms.oscillators += 1;
    return create.apply(this, args);
  };
}

const alarms = (page) => page.evaluate(() => window.__alarms);

test("the tab title counts down; time-up shows the banner, rings unless muted, and notifies an unfocused tab", async () => {
  const code = (await server.createRoom(["Ann", "Bob"], [{ label: "Round", duration_ms: 2000 }])).room.code;
  const context = await browser.newContext();
  await context.addInitScript(recordAlarms);
  const page = await openRoom(context, server, code, "Ann");
  const idleTitle = `${code} · pairroom`;
  assert.equal(await page.title(), idleTitle);

  // The test button plays the chime (three notes); mute is a toggle that survives a reload.
  await tabTo(page, "test sound", "sound-test");
  await page.keyboard.press("Enter");
  await waitUntil("the test chime", 1000, async () => (await alarms(page)).oscillators === 3);
  await tabTo(page, "mute", "sound-mute");
  assert.equal(await byId(page, "sound-mute").getAttribute("aria-pressed"), "false");
  await page.keyboard.press("Enter");
  assert.equal(await byId(page, "sound-mute").getAttribute("aria-pressed"), "true");
  await page.reload();
  await waitLive(page);
  assert.equal(await byId(page, "sound-mute").getAttribute("aria-pressed"), "true", "mute survives a reload");
  assert.equal((await alarms(page)).oscillators, 0, "the reloaded page counts afresh");

  // Notification permission is asked from the button (a trusted click, here by keyboard), never before.
  assert.deepEqual((await alarms(page)).requests, [], "permission asked without a gesture");
  await tabTo(page, "notify me", "notify-enable");
  assert.equal(await byId(page, "notify-enable").getAttribute("aria-pressed"), "false");
  await page.keyboard.press("Enter");
  await waitUntil("the permission request", 1000, async () => (await alarms(page)).requests.length === 1);
  assert.deepEqual((await alarms(page)).requests, [{ event: "click", trusted: true }]);
  await context.grantPermissions(["notifications"], { origin: server.base });
  await waitUntil("the button shows notifications on", 2000, async () =>
    (await byId(page, "notify-enable").getAttribute("aria-pressed")) === "true");
  // Changed outside the page (the browser's site settings): the button follows.
  await context.clearPermissions();
  await waitUntil("the button shows notifications off", 2000, async () =>
    (await byId(page, "notify-enable").getAttribute("aria-pressed")) === "false"
    && (await text(page, "notify-enable")) === "Notify me");
  await context.grantPermissions(["notifications"], { origin: server.base });
  await waitUntil("the button shows notifications on again", 2000, async () =>
    (await byId(page, "notify-enable").getAttribute("aria-pressed")) === "true"
    && (await text(page, "notify-enable")) === "Notifications on");

  // Round 1, muted and focused: the title counts down, then the banner; no sound, no notification.
  await tabTo(page, "start", "timer-start", { back: true });
  await page.keyboard.press("Enter");
  const title = await waitUntil("the remaining time in the title", 2000, async () => {
    const now = await page.title();
    return /^\d\d:\d\d · pairroom$/.test(now) && now;
  });
  assert.match(title, /^00:0[12] · pairroom$/);
  await waitUntil("the time-up banner", 4000, () => byId(page, "timeup-banner").isVisible());
  assert.match(await byId(page, "timeup-banner").textContent(), /swap roles!.*Bob drives now, Ann navigates\./);
  await waitUntil("the idle title again", 1000, async () => (await page.title()) === idleTitle);
  let seen = await alarms(page);
  assert.equal(seen.oscillators, 0, "muted: no chime at time-up");
  assert.deepEqual(seen.notifications, [], "a focused tab gets no notification");

  // Unmute and dismiss the banner by keyboard.
  await tabTo(page, "mute", "sound-mute");
  await page.keyboard.press("Enter");
  assert.equal(await byId(page, "sound-mute").getAttribute("aria-pressed"), "false");
  await tabTo(page, "dismiss", "timeup-dismiss", { back: true });
  await page.keyboard.press("Enter");
  assert.equal(await byId(page, "timeup-banner").isVisible(), false);
  assert.equal((await focused(page)).testid, "timer-start", "dismiss hands focus to the start button");

  // Round 2 while another window has focus: chime and a notification.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setFocusEmulationEnabled", { enabled: false });
  const front = await context.newPage();
  await front.goto(server.base + "/");
  await front.bringToFront();
  await waitUntil("the room's tab loses focus", 2000, async () => !(await page.evaluate(() => document.hasFocus())));
  await server.api("POST", `/rooms/${code}/timer/start`);
  await waitUntil("a notification", 5000, async () => (await alarms(page)).notifications.length === 1);
  seen = await alarms(page);
  assert.deepEqual(seen.notifications, [{
    title: "Time's up — swap roles!", body: "Ann drives now, Bob navigates.", focused: false, hidden: false,
  }]);
  assert.equal(seen.oscillators, 3, "unmuted: the chime rang at time-up");
  assert.ok(await byId(page, "timeup-banner").isVisible());
  await context.close();
});
