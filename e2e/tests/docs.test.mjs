// The API reference at /docs, drawn in the browser from the server's own
// OpenAPI document (GET /api/openapi.json): its title, every operation
// exactly once (both dialects), every component schema with working links
// to it, a filter that hides what does not match, a plain error when the
// document cannot be had, and not one console error or CSP violation on
// the way (the page has no inline script or style; the server forbids it).

import assert from "node:assert/strict";
import { test } from "node:test";

import { byId, waitUntil, serverAndBrowser } from "../lib/browser.mjs";

const { server, browser } = await serverAndBrowser();

/** The operation keys of an OpenAPI path item. */
const METHODS = ["get", "put", "post", "patch", "delete", "head", "options", "trace"];

/** The server's OpenAPI document, as a client would fetch it. */
async function fetchSpec() {
  const res = await fetch(`${server.base}/api/openapi.json`);
  assert.equal(res.status, 200, "GET /api/openapi.json answers 200");
  assert.match(res.headers.get("content-type") ?? "", /json/);
  return res.json();
}

/** Every (path, method) operation of `doc`: its key `METHOD path`, summary,
 * and the text the page's filter searches (method, path, summary,
 * operationId, tags). */
function operationsOf(doc) {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const text = [method, path, op.summary, op.operationId, ...(op.tags ?? [])]
        .filter((s) => typeof s === "string").join("\n").toLowerCase();
      const tags = (op.tags ?? []).filter((t) => typeof t === "string");
      ops.push({ key: `${method.toUpperCase()} ${path}`, summary: op.summary, deprecated: !!op.deprecated, tags, text });
    }
  }
  return ops;
}

/** Opens /docs in a fresh context and collects what must not happen:
 * console errors, uncaught exceptions, CSP violations. `route` may stand in
 * for the server's answer to /api/openapi.json. */
async function openDocs(route) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI || "inline"}`);
    });
  });
  if (route) await page.route("**/api/openapi.json", route);
  const res = await page.goto(`${server.base}/docs`);
  assert.equal(res.status(), 200, "GET /docs answers 200");
  assert.match(res.headers()["content-type"] ?? "", /text\/html/);
  const violations = () => page.evaluate(() => window.__cspViolations);
  return { page, problems, violations, close: () => context.close() };
}

/** The `METHOD path` of every operation the page shows (visible ones
 * only with `visibleOnly`), sorted. */
function shownOperations(page, visibleOnly = false) {
  return page.evaluate((visibleOnly) =>
    [...document.querySelectorAll('[data-testid="docs-operation"]')]
      .filter((el) => !visibleOnly || el.checkVisibility())
      .map((el) => `${el.dataset.method} ${el.dataset.path}`)
      .sort(), visibleOnly);
}

/** Types `query` into the filter and waits until exactly `expected`
 * (sorted `METHOD path` keys) remain visible. */
async function filterTo(page, query, expected) {
  await byId(page, "docs-filter").fill(query);
  await waitUntil(`the filter "${query}" leaves ${expected.length} operations`, 2000, async () =>
    JSON.stringify(await shownOperations(page, true)) === JSON.stringify(expected));
}

// ---------------------------------------------------------------------------

test("the reference shows the document's title, every operation once, every schema, and filters", async () => {
  const doc = await fetchSpec();
  const ops = operationsOf(doc);
  const keys = ops.map((o) => o.key).sort();
  const schemaNames = Object.keys(doc.components?.schemas ?? {});
  assert.ok(typeof doc.openapi === "string" && doc.openapi.startsWith("3.1"), `OpenAPI 3.1, not ${doc.openapi}`);
  assert.ok(keys.some((k) => k.includes(" /api/v1/")), "the document has native (/api/v1/) operations");
  assert.ok(keys.some((k) => k.includes(" /api/pair-room")), "the document has 코딩해듀오 (/api/pair-room) operations");
  assert.ok(keys.includes("POST /api/v1/rooms"), "the document has POST /api/v1/rooms");
  assert.ok(keys.some((k) => /^PATCH \/api\/\{[^}/]+\}\/timer\/start$/.test(k)), "the document has PATCH /api/{code}/timer/start");
  assert.ok(schemaNames.length > 0, "the document has component schemas");

  const { page, problems, violations, close } = await openDocs();
  // On a timeout the comparison below says which operations are missing.
  await waitUntil("every operation is drawn", 5000, async () =>
    (await byId(page, "docs-operation").count()) === ops.length).catch(() => {});
  assert.equal(await byId(page, "docs-error").isVisible(), false, "no error is shown");

  // Title and version from `info`, and the way to the raw document.
  assert.equal((await byId(page, "docs-title").textContent()).trim(), doc.info.title);
  assert.ok((await page.locator("main").textContent()).includes(doc.info.version), "the version is shown");
  assert.equal(await page.locator('a[href="/api/openapi.json"]').first().isVisible(), true, "a link to the raw document");

  // Exactly the document's operations, each once, with its summary.
  assert.deepEqual(await shownOperations(page), keys);
  assert.deepEqual(await shownOperations(page, true), keys, "all visible before filtering");
  const texts = await page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('[data-testid="docs-operation"]')]
      .map((el) => [`${el.dataset.method} ${el.dataset.path}`, el.textContent])));
  // Compared as read: `code` spans lose their backticks, line breaks are spaces.
  const plain = (s) => s.replaceAll("`", "").replace(/\s+/g, " ");
  for (const op of ops) {
    if (op.summary) assert.ok(plain(texts[op.key]).includes(plain(op.summary)), `${op.key} shows its summary`);
    if (op.deprecated) assert.ok(texts[op.key].includes("deprecated"), `${op.key} is marked deprecated`);
  }

  // Every component schema, in the document's order; every in-page link
  // leads somewhere, and each schema link to the schema it names.
  assert.deepEqual(
    await page.evaluate(() => [...document.querySelectorAll('[data-testid="docs-schema"]')].map((el) => el.dataset.name)),
    schemaNames);
  const links = await page.evaluate(() => [...document.querySelectorAll('main a[href^="#"]')].map((a) => {
    const target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    return {
      href: a.getAttribute("href"),
      text: a.textContent,
      found: !!target,
      schema: target?.dataset.testid === "docs-schema" ? target.dataset.name : null,
      inOperation: !!a.closest('[data-testid="docs-operation"]'),
    };
  }));
  for (const link of links) assert.ok(link.found, `the link ${link.href} leads somewhere`);
  const schemaLinks = links.filter((l) => l.schema !== null && l.href.startsWith("#schema-"));
  assert.ok(schemaLinks.some((l) => l.inOperation), "operations link to the schemas they use");
  for (const link of schemaLinks) assert.equal(link.text, link.schema, `the link "${link.text}" leads to its schema`);

  // The stylesheet applies (not refused): method badges have a colour.
  const badge = await page.evaluate(() =>
    getComputedStyle(document.querySelector('[data-testid="docs-operation"] .method')).backgroundColor);
  assert.notEqual(badge, "rgba(0, 0, 0, 0)", "docs.css is applied");

  // The filter: by path, by two words at once, by nothing at all, and back.
  const matching = (...words) => ops.filter((o) => words.every((w) => o.text.includes(w))).map((o) => o.key).sort();
  const byPath = matching("pair-room");
  assert.ok(byPath.length > 0 && byPath.length < ops.length);
  await filterTo(page, "pair-room", byPath);
  await filterTo(page, "/API/V1/ timer", matching("/api/v1/", "timer"));
  const tag = ops.flatMap((o) => o.tags).find((t) => !keys.some((k) => k.toLowerCase().includes(t.toLowerCase())));
  if (tag) await filterTo(page, tag.toUpperCase(), matching(tag.toLowerCase()));
  await filterTo(page, "no-such-operation-anywhere", []);
  await filterTo(page, "", keys);

  // Opening an operation shows its parameters' and answers' details.
  const create = page.locator('[data-testid="docs-operation"][data-method="POST"][data-path="/api/v1/rooms"]');
  await create.locator("summary").click();
  await waitUntil("POST /api/v1/rooms opens", 1000, () => create.locator("text=Request body").isVisible());
  const createOp = doc.paths["/api/v1/rooms"].post;
  for (const status of Object.keys(createOp.responses ?? {})) {
    assert.equal(await create.locator(".status", { hasText: status }).first().isVisible(), true, `response ${status} shown`);
  }

  assert.deepEqual(await violations(), [], "no CSP violations");
  assert.deepEqual(problems, [], "no console errors");
  await close();
});

test("the page's CSP watch sees a violation (so its silence above means something)", async () => {
  const { page, violations, close } = await openDocs();
  await waitUntil("the reference is drawn", 5000, async () => (await byId(page, "docs-operation").count()) > 0);
  await page.evaluate(() => {
    const s = document.createElement("script");
    s.textContent = "window.__inlineRan = true";
    document.head.append(s);
  });
  await waitUntil("the inline script is refused and reported", 2000, async () => (await violations()).length > 0);
  assert.equal(await page.evaluate(() => window.__inlineRan ?? false), false, "the inline script did not run");
  await close();
});

test("if the document cannot be fetched the page says so", async () => {
  for (const [what, route] of [
    ["a 503", (r) => r.fulfill({ status: 503, contentType: "application/json", body: '{"message":"down"}' })],
    ["a network failure", (r) => r.abort("connectionrefused")],
    ["an answer that is not JSON", (r) => r.fulfill({ status: 200, contentType: "application/json", body: "<html>" })],
  ]) {
    const { page, close } = await openDocs(route);
    await waitUntil(`the error is shown after ${what}`, 5000, () => byId(page, "docs-error").isVisible());
    const message = await byId(page, "docs-error").textContent();
    assert.match(message, /could not be loaded/i, what);
    if (what === "a 503") assert.match(message, /503/);
    assert.equal(await byId(page, "docs-operation").count(), 0, `no operations after ${what}`);
    await close();
  }
});

test("schemas: refs link, recursion and ref loops stay finite, nullable and limits read plainly, text stays text", async () => {
  const doc = {
    openapi: "3.1.0",
    info: { title: "Synthetic <b>doc</b>", version: "9.9.9", description: "Has `code`." },
    tags: [{ name: "trees" }],
    paths: {
      "/tree/{id}": {
        put: {
          tags: ["trees"],
          summary: "<img src=x onerror=window.__pwned=1> as text",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer", minimum: 1 } }],
          requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } } },
          responses: {
            200: { description: "Loops", content: { "application/json": { schema: { $ref: "#/components/schemas/LoopA" } } } },
          },
        },
      },
      "/untagged": { get: { responses: { 204: { description: "Nothing" } } } },
    },
    components: {
      schemas: {
        Node: {
          type: "object",
          required: ["name"],
          properties: {
            name: { type: ["string", "null"], maxLength: 5 },
            parent: { oneOf: [{ type: "null" }, { $ref: "#/components/schemas/Node" }] },
            children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
          },
        },
        LoopA: { $ref: "#/components/schemas/LoopB" },
        LoopB: { $ref: "#/components/schemas/LoopA" },
      },
    },
  };
  const { page, problems, violations, close } = await openDocs((r) =>
    r.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(doc) }));
  await waitUntil("both operations are drawn", 5000, async () => (await byId(page, "docs-operation").count()) === 2);
  assert.equal((await byId(page, "docs-title").textContent()).trim(), "Synthetic <b>doc</b>");
  assert.deepEqual(await shownOperations(page), ["GET /untagged", "PUT /tree/{id}"]);

  const node = page.locator('[data-testid="docs-schema"][data-name="Node"]');
  const nodeText = await node.textContent();
  assert.match(nodeText, /string \| null/, "type [string, null] reads as string | null");
  assert.match(nodeText, /Node \| null/, "oneOf [null, Node] reads as Node | null");
  assert.match(nodeText, /array of Node/);
  assert.match(nodeText, /maxLength: 5/);
  assert.match(nodeText, /required/);
  assert.equal(await node.locator('a[href="#schema-Node"]').count() >= 2, true, "Node links to itself, not into itself");
  for (const name of ["LoopA", "LoopB"]) {
    assert.equal(await page.locator(`[data-testid="docs-schema"][data-name="${name}"]`).count(), 1);
  }

  const put = page.locator('[data-testid="docs-operation"][data-method="PUT"]');
  await put.locator("summary").click();
  const putText = await put.textContent();
  assert.ok(putText.includes("<img src=x onerror=window.__pwned=1> as text"), "the summary is shown as text");
  assert.equal(await page.locator("main img").count(), 0, "no element was made from the document's text");
  assert.equal(await page.evaluate(() => window.__pwned ?? 0), 0);
  assert.match(putText, /minimum: 1/, "parameter limits are shown");
  assert.match(putText, /name\s*required/, "the request body's Node fields are shown in place");
  assert.match(putText, /refer to each other/, "the LoopA/LoopB answer is named, not unfolded forever");

  assert.deepEqual(await violations(), [], "no CSP violations");
  assert.deepEqual(problems, [], "no console errors");
  await close();
});
