// The pair's workspace is shared as the timer is: a todo added in one
// browser appears in the other, a link added there appears here, and edits
// in place, checks, reorders and deletes reach both screens.

import assert from "node:assert/strict";
import { test } from "node:test";

import { byId, openRoom, waitUntil, serverAndBrowser } from "../lib/browser.mjs";

const { server, browser } = await serverAndBrowser();

/** The todo texts a page shows, in order. */
async function todos(page) {
  return (await byId(page, "todo-text").allTextContents()).map((t) => t.trim());
}

test("todos and links added in one browser appear in the other", async () => {
  const code = (await server.createRoom(["Ann", "Bob"])).room.code;
  const a = await openRoom(await browser.newContext(), server, code, "Ann");
  const b = await openRoom(await browser.newContext(), server, code, "Bob");

  await byId(a, "todo-input").fill("write the failing test");
  await byId(a, "todo-add").click();
  await byId(a, "todo-input").fill("make it pass");
  await byId(a, "todo-input").press("Enter");
  await waitUntil("B shows A's todos", 2000, async () =>
    JSON.stringify(await todos(b)) === JSON.stringify(["write the failing test", "make it pass"]));

  // Checked in B, seen in A.
  await byId(b, "todo-check").first().check();
  await waitUntil("A sees the check", 2000, () => byId(a, "todo-check").first().isChecked());

  // Reordered by keyboard in A, seen in B.
  await byId(a, "todo-item").nth(1).locator('[data-testid="todo-down"], [data-testid="todo-up"]').first().waitFor();
  await byId(a, "todo-item").nth(1).locator('[data-testid="todo-up"]').click();
  await waitUntil("B sees the new order", 2000, async () =>
    JSON.stringify(await todos(b)) === JSON.stringify(["make it pass", "write the failing test"]));

  // Edited in place in B, seen in A.
  await byId(b, "todo-text").first().click();
  await byId(b, "todo-edit").fill("make it pass, simply");
  await byId(b, "todo-edit").press("Enter");
  await waitUntil("A sees the edit", 2000, async () =>
    (await todos(a))[0] === "make it pass, simply");

  // A category and a link added in B, seen in A (an internal address: the
  // server refuses to fetch its preview and adds the link without one).
  await byId(b, "category-input").fill("docs");
  await byId(b, "category-add").click();
  await waitUntil("B offers the category", 2000, async () =>
    (await byId(b, "link-category").locator("option").allTextContents()).includes("docs"));
  await byId(b, "link-input").fill("http://127.0.0.1:9/guide");
  await byId(b, "link-category").selectOption({ label: "docs" });
  await byId(b, "link-add").click();
  await waitUntil("A shows B's link", 5000, async () =>
    (await byId(a, "link-item").locator("a").first().getAttribute("href")) === "http://127.0.0.1:9/guide");

  // Deleted in A, gone in B; the server agrees with both screens.
  await byId(a, "todo-delete").last().click();
  await waitUntil("B loses the todo", 2000, async () =>
    JSON.stringify(await todos(b)) === JSON.stringify(["make it pass, simply"]));
  const ws = (await server.api("GET", `/rooms/${code}/workspace`)).workspace;
  assert.deepEqual(ws.todos.map((t) => t.content), ["make it pass, simply"]);
  assert.equal(ws.todos[0].checked, false, "the checked todo was the one deleted");
  assert.deepEqual(ws.links.map((l) => [l.url, l.category_name]), [["http://127.0.0.1:9/guide", "docs"]]);
});
