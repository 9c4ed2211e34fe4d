// The stream hub: one EventSource per room for every tab that watches it.
// It runs inside the SharedWorker (stream-worker.js) so that all tabs of a
// browser share one connection per room, and, where SharedWorker does not
// exist, inside the page itself with the very same code (stream.js).
//
// Per room it keeps the latest state (snapshot + changes + presence), sends
// it to tabs that subscribe late, forwards every event to every tab, tells
// tabs whether the stream is really live, reconnects after the browser gave
// up (EventSource is CLOSED after any non-200 answer) with a backoff and
// `?last_event_id=`, and stops for good when the room is gone.

import { ApiError, api } from "./api.js";
import { applyEvent, copyState, emptyState } from "./state.js";

const PRUNE_VISIBLE_MS = 15_000; // a visible tab pings every 5 s
const PRUNE_HIDDEN_MS = 180_000; // hidden tabs' timers may run once a minute
const QUIET_PROBE_MS = 40_000; // heartbeats are invisible to EventSource: probe after this much silence
const OFFLINE_AFTER_MS = 20_000; // "reconnecting" for this long reads as "offline"
const OFFSET_REFRESH_MS = 5 * 60_000;

export class Hub {
  constructor({ prune = true } = {}) {
    this.rooms = new Map(); // code -> room record
    this.ports = new Map(); // port -> {lastSeen, lastFocus, visible, codes:Set}
    this.prune = prune;
    setInterval(() => this.tick(), 5000);
    if (typeof self !== "undefined" && self.addEventListener) {
      self.addEventListener("online", () => this.retryAll());
      self.addEventListener("offline", () => this.tick());
    }
  }

  attach(port) {
    this.ports.set(port, { lastSeen: Date.now(), lastFocus: 0, visible: true, codes: new Set() });
  }

  /** Drops a port that is gone (tab closed, lock released, or silent). */
  drop(port) {
    const info = this.ports.get(port);
    if (!info) return;
    for (const code of info.codes) this.leave(port, code);
    this.ports.delete(port);
  }

  onMessage(port, msg) {
    if (!msg || typeof msg !== "object") return;
    let info = this.ports.get(port);
    if (!info) {
      if (msg.type === "subscribe") {
        this.attach(port);
        info = this.ports.get(port);
      } else {
        // pruned earlier while its tab slept: ask it to subscribe again
        post(port, { type: "resubscribe" });
        return;
      }
    }
    info.lastSeen = Date.now();
    if (typeof msg.visible === "boolean") info.visible = msg.visible;
    switch (msg.type) {
      case "subscribe":
        this.join(port, msg.code, msg.name || "");
        break;
      case "unsubscribe":
        this.leave(port, msg.code);
        break;
      case "ping":
        post(port, { type: "pong" });
        break;
      case "focus":
        info.lastFocus = Date.now();
        break;
      case "retry":
        this.retryAll();
        break;
      case "lock":
        // the tab holds this lock while it lives; we get it when the tab is gone
        if (typeof navigator !== "undefined" && navigator.locks && msg.id) {
          navigator.locks.request(msg.id, () => this.drop(port)).catch(() => {});
        }
        break;
      default:
    }
  }

  join(port, code, name) {
    const info = this.ports.get(port);
    info.codes.add(code);
    let room = this.rooms.get(code);
    const fresh = !room;
    if (fresh) {
      room = {
        code, name, ports: new Set(), state: emptyState(), lastId: null, es: null,
        conn: "reconnecting", gone: false, backoff: 0, retryTimer: null, lastEventAt: 0,
        lostAt: Date.now(), probing: false, samples: [], offset: null, offsetAt: 0,
      };
      this.rooms.set(code, room);
    }
    room.ports.add(port);
    post(port, {
      type: "hello", code, conn: room.conn, gone: room.gone, offset: room.offset,
      state: room.state.room ? copyState(room.state) : null,
    });
    if (fresh) {
      this.connect(room);
      this.measure(room, 3);
    } else if (!room.name && name && !room.gone) {
      // the first tab watched without a name; announce this one instead
      room.name = name;
      this.connect(room);
    }
  }

  leave(port, code) {
    this.ports.get(port)?.codes.delete(code);
    const room = this.rooms.get(code);
    if (!room) return;
    room.ports.delete(port);
    if (room.ports.size === 0) {
      this.close(room);
      this.rooms.delete(code);
    }
  }

  close(room) {
    if (room.es) room.es.close();
    room.es = null;
    clearTimeout(room.retryTimer);
    room.retryTimer = null;
  }

  broadcast(room, msg) {
    for (const port of room.ports) post(port, msg);
  }

  setConn(room, conn) {
    if (conn !== "live" && room.conn === "live") room.lostAt = Date.now();
    if (room.conn === conn) return;
    room.conn = conn;
    this.broadcast(room, { type: "conn", code: room.code, conn });
  }

  /** Opens (or reopens) the room's EventSource, resuming from lastId. */
  connect(room) {
    this.close(room);
    if (room.gone) return;
    const params = new URLSearchParams();
    if (room.name) params.set("name", room.name);
    if (room.lastId !== null) params.set("last_event_id", String(room.lastId));
    const es = new EventSource(`/api/v1/rooms/${encodeURIComponent(room.code)}/events?${params}`);
    room.es = es;
    for (const type of ["snapshot", "change", "presence"]) {
      es.addEventListener(type, (e) => this.onEvent(room, es, type, e));
    }
    es.addEventListener("error", () => this.onError(room, es));
  }

  onEvent(room, es, type, e) {
    if (room.es !== es) return;
    let data;
    try {
      data = JSON.parse(e.data);
    } catch {
      return;
    }
    if (type === "change" && room.state.room && data.version > room.state.version + 1) {
      // a hole in the versions: ask for a snapshot instead of guessing
      this.connect(room);
      return;
    }
    const id = Number(e.lastEventId);
    applyEvent(room.state, type, data);
    if (e.lastEventId !== "" && Number.isFinite(id) && id >= (room.lastId ?? -1)) room.lastId = id;
    room.lastEventAt = Date.now();
    room.backoff = 0;
    if (typeof data.server_time_ms === "number" && room.offset === null) {
      // a first rough offset until the measured one arrives
      this.broadcast(room, { type: "offset", code: room.code, offset: data.server_time_ms - Date.now() });
    }
    this.setConn(room, "live");
    const causes = (type === "change" && Array.isArray(data.causes)) ? data.causes : [];
    const ringer = causes.includes("completed") ? this.ringer(room) : null;
    for (const port of room.ports) {
      post(port, { type: "event", code: room.code, event: type, data, ring: port === ringer });
    }
    if (causes.includes("deleted") || data.room?.status === "deleted") this.markGone(room);
  }

  onError(room, es) {
    if (room.es !== es || room.gone) return;
    this.setConn(room, offline() ? "offline" : "reconnecting");
    if (es.readyState === EventSource.CLOSED) {
      // the browser gave up (non-200 answer): find out why, then retry
      room.es = null;
      es.close();
      this.scheduleRetry(room);
    }
    // else CONNECTING: the browser retries by itself with Last-Event-ID
  }

  scheduleRetry(room) {
    clearTimeout(room.retryTimer);
    const base = Math.min(10_000, 1000 * 2 ** room.backoff);
    room.backoff = Math.min(room.backoff + 1, 4);
    const delay = base * (0.75 + Math.random() * 0.5);
    this.probe(room).catch(() => {});
    room.retryTimer = setTimeout(() => {
      room.retryTimer = null;
      if (!room.gone && room.ports.size > 0) this.connect(room);
    }, delay);
  }

  retryAll() {
    for (const room of this.rooms.values()) {
      if (room.retryTimer && !room.gone) {
        clearTimeout(room.retryTimer);
        room.retryTimer = null;
        this.connect(room);
      }
    }
  }

  /** GETs the room once: a clock sample, and tells a gone room from a down server. */
  async probe(room) {
    const t0 = Date.now();
    const ctl = typeof AbortController !== "undefined" ? new AbortController() : null;
    const timer = setTimeout(() => ctl?.abort(), 5000);
    try {
      const env = await api.getRoom(room.code, ctl?.signal);
      const t1 = Date.now();
      this.sample(room, env.server_time_ms - (t0 + t1) / 2, t1 - t0);
      return env;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 410)) this.markGone(room);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Measures the clock offset with `n` round trips; keeps the shortest. */
  async measure(room, n) {
    for (let i = 0; i < n && !room.gone && this.rooms.get(room.code) === room; i++) {
      try {
        await this.probe(room);
      } catch {
        return;
      }
    }
  }

  sample(room, offset, rtt) {
    const now = Date.now();
    room.samples = room.samples.filter((s) => now - s.at < 20 * 60_000);
    room.samples.push({ offset, rtt, at: now });
    const best = room.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    room.offsetAt = now;
    if (room.offset !== best.offset) {
      room.offset = best.offset;
      this.broadcast(room, { type: "offset", code: room.code, offset: best.offset });
    }
  }

  markGone(room) {
    if (room.gone) return;
    room.gone = true;
    this.close(room);
    this.setConn(room, "offline");
    this.broadcast(room, { type: "gone", code: room.code });
  }

  /** The tab that should ring at time-up: the one focused most recently. */
  ringer(room) {
    let best = null;
    let bestAt = -1;
    for (const port of room.ports) {
      const at = this.ports.get(port)?.lastFocus ?? 0;
      if (at > bestAt) {
        best = port;
        bestAt = at;
      }
    }
    return best;
  }

  tick() {
    const now = Date.now();
    if (this.prune) {
      for (const [port, info] of this.ports) {
        if (now - info.lastSeen > (info.visible ? PRUNE_VISIBLE_MS : PRUNE_HIDDEN_MS)) this.drop(port);
      }
    }
    for (const room of this.rooms.values()) {
      if (room.gone) continue;
      if (offline() && room.conn !== "offline") this.setConn(room, "offline");
      if (room.conn !== "live" && !offline() && room.lostAt && now - room.lostAt > OFFLINE_AFTER_MS) {
        this.setConn(room, "offline");
      }
      if (room.conn === "live" && room.es && !room.probing && now - room.lastEventAt > QUIET_PROBE_MS) {
        this.checkQuiet(room);
      } else if (room.conn === "live" && now - room.offsetAt > OFFSET_REFRESH_MS && !room.probing) {
        room.probing = true;
        this.probe(room).catch(() => {}).finally(() => { room.probing = false; });
      }
    }
  }

  /** A live stream that said nothing for a while: is the server still there? */
  async checkQuiet(room) {
    room.probing = true;
    const es = room.es;
    try {
      const env = await this.probe(room);
      if (room.es !== es) return;
      if (env.version > room.state.version) this.connect(room); // missed something: resume
      else room.lastEventAt = Date.now();
    } catch {
      if (room.es === es && !room.gone) {
        this.close(room);
        this.setConn(room, "reconnecting");
        this.scheduleRetry(room);
      }
    } finally {
      room.probing = false;
    }
  }
}

function offline() {
  return typeof navigator !== "undefined" && navigator.onLine === false;
}

function post(port, msg) {
  try {
    port.postMessage(msg);
  } catch {
    // a dead port: pruning will drop it
  }
}
