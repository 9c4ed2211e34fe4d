// The pairroom native JSON API (/api/v1) as small async functions, plus the
// access-code rules (case-insensitive, hyphens optional, i/l read as 1 and
// o as 0) so that every path in the page agrees on one spelling of a code.

import { hostKey } from "./storage.js";

const ALPHABET = /^[0-9abcdefghjkmnpqrstvwxyz]{13}$/;

/** The canonical `xxxx-xxxx-xxxxx` form of a typed code, or null. */
export function normalizeCode(input) {
  const raw = String(input || "")
    .trim()
    .toLowerCase()
    .replace(/[\s-]/g, "")
    .replace(/[il]/g, "1")
    .replace(/o/g, "0");
  if (!ALPHABET.test(raw)) return null;
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

/** A code from a pasted room link (`.../r/{code}`) or a bare code. */
export function codeFromInput(input) {
  const text = String(input || "").trim();
  const match = text.match(/\/r\/([^/?#\s]+)/);
  return normalizeCode(match ? decodeURIComponent(match[1]) : text);
}

/** An API failure carrying the server's status and `{"message"}`. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** One JSON request; resolves to the parsed body (null for 204). `key` is
 *  a locked room's host key, sent as X-Host-Key. */
export async function request(method, path, body, signal, key) {
  let res;
  const headers = body === undefined ? {} : { "content-type": "application/json" };
  if (key) headers["x-host-key"] = key;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      signal,
    });
  } catch {
    throw new ApiError(0, "");
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, (data && data.message) || `HTTP ${res.status}`);
  return data;
}

const room = (code) => `/rooms/${encodeURIComponent(code)}`;

/** A control command (timer, roles, plan, status): carries the room's host
 *  key when this browser holds one. */
const control = (method, code, rest, body) =>
  request(method, `${room(code)}${rest}`, body, undefined, hostKey(code));

export const api = {
  createRoom: (body) => request("POST", "/rooms", body),
  getRoom: (code, signal) => request("GET", room(code), undefined, signal),
  start: (code) => control("POST", code, "/timer/start"),
  pause: (code) => control("POST", code, "/timer/pause"),
  reset: (code) => control("POST", code, "/timer/reset"),
  rotate: (code) => control("POST", code, "/roles/rotate"),
  setPlan: (code, plan) => control("PUT", code, "/plan", plan),
  setStatus: (code, status) => control("PUT", code, "/status", { status }),
  addTodo: (code, content) => request("POST", `${room(code)}/todos`, { content }),
  patchTodo: (code, id, patch) => request("PATCH", `${room(code)}/todos/${id}`, patch),
  deleteTodo: (code, id) => request("DELETE", `${room(code)}/todos/${id}`),
  addCategory: (code, name) => request("POST", `${room(code)}/categories`, { name }),
  deleteCategory: (code, id) => request("DELETE", `${room(code)}/categories/${id}`),
  addLink: (code, url, categoryId) =>
    request("POST", `${room(code)}/links`, categoryId ? { url, category_id: categoryId } : { url }),
  deleteLink: (code, id) => request("DELETE", `${room(code)}/links/${id}`),
  saveRetro: (code, answers) => request("PUT", `${room(code)}/retrospect`, { answers }),
};
