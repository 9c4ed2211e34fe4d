// Regenerates docs/screenshots/: the home page and a room in use, at a
// desktop and a phone width, from a fresh server with a made-up session.
//
//   cargo build && (cd e2e && npm ci && node screenshots.mjs)

import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { byId, launch, openRoom, waitUntil } from "./lib/browser.mjs";
import { Server } from "./lib/server.mjs";

const out = resolve(dirname(fileURLToPath(import.meta.url)), "../docs/screenshots");
const sizes = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
};

const server = await Server.start();
const browser = await launch();
try {
  mkdirSync(out, { recursive: true });
  const created = await server.createRoom(["Ann", "Bob", "Cid"], [
    { label: "Round", duration_ms: 15 * 60_000 },
  ]);
  const code = created.room.code;
  for (const todo of ["Parse the timer plan", "Test the time-up", "Refactor the stream"]) {
    await server.api("POST", `/rooms/${code}/todos`, { content: todo });
  }
  const todos = (await server.api("GET", `/rooms/${code}/workspace`)).workspace.todos;
  await server.api("PATCH", `/rooms/${code}/todos/${todos[0].id}`, { checked: true });
  const category = await server.api("POST", `/rooms/${code}/categories`, { name: "docs" });
  await server.api("POST", `/rooms/${code}/links`, {
    url: "http://127.0.0.1:9/axum/sse",
    category_id: category.id,
  });
  await server.api("POST", `/rooms/${code}/timer/start`);

  for (const [name, viewport] of Object.entries(sizes)) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: "en-US" });
    const home = await context.newPage();
    await home.goto(`${server.base}/`);
    await byId(home, "create-form").waitFor();
    await home.screenshot({ path: `${out}/home-${name}.png`, fullPage: name === "phone" });
    const room = await openRoom(context, server, code, "Ann");
    await waitUntil("the timer running", 3000, async () =>
      (await byId(room, "room").getAttribute("data-timer-state")) === "running");
    await room.waitForTimeout(1200);
    await room.screenshot({ path: `${out}/room-${name}.png`, fullPage: name === "phone" });
    await context.close();
  }
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await server.stop();
}
