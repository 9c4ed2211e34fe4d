// The tab's side of the room stream: connects to the SharedWorker (one
// EventSource per room for the whole browser) or, where SharedWorker is
// missing or fails to start, runs the same hub (stream-core.js) in the
// page. Pings the hub every 5 s, unsubscribes on pagehide, resubscribes on
// pageshow, and hands events, state, connection and clock offset to the room.

const WORKER_URL = "/assets/stream-worker.js";

/** Subscribes to `code`; `on` = {hello, event, conn, offset, gone}. Returns {retry, close}. */
export function openStream(code, name, on) {
  let port = null;
  let heard = false; // anything ever came from the hub
  let pendingSince = 0; // when the oldest unanswered ping was sent
  let hubConn = "reconnecting"; // what the hub says about the stream
  let silent = false; // the hub stopped answering pings
  let closed = false;
  let fellBack = false;

  const showConn = () => on.conn(silent ? "reconnecting" : hubConn);
  const handle = (msg) => {
    heard = true;
    pendingSince = 0;
    if (silent) {
      silent = false;
      showConn();
    }
    if (!msg || (msg.code && msg.code !== code)) return;
    if (msg.type === "resubscribe") subscribe();
    else if (msg.type === "hello") {
      hubConn = msg.conn;
      on.hello(msg);
      showConn();
    } else if (msg.type === "event") on.event(msg.event, msg.data, msg.ring);
    else if (msg.type === "conn") {
      hubConn = msg.conn;
      showConn();
    }
    else if (msg.type === "offset") on.offset(msg.offset);
    else if (msg.type === "gone") on.gone();
  };
  const send = (msg) => {
    try {
      port?.postMessage({ ...msg, visible: !document.hidden });
    } catch {
      // ignore: the ping watchdog notices a dead hub
    }
  };
  const subscribe = () => send({ type: "subscribe", code, name });

  async function startInPage() {
    if (fellBack) return;
    fellBack = true;
    const { Hub } = await import("./stream-core.js");
    const hub = new Hub({ prune: false });
    const fake = { postMessage: (msg) => queueMicrotask(() => handle(msg)) };
    hub.attach(fake);
    port = { postMessage: (msg) => hub.onMessage(fake, msg) };
    if (!closed) subscribe();
  }

  function startShared() {
    try {
      const worker = new SharedWorker(WORKER_URL, { type: "module", name: "pairroom-stream" });
      worker.addEventListener("error", () => {
        if (!heard) startInPage();
      });
      port = worker.port;
      port.addEventListener("message", (m) => handle(m.data));
      port.start();
      subscribe();
      holdLock();
      return true;
    } catch {
      return false;
    }
  }

  /** Holds a Web Lock for the tab's lifetime; the hub learns of the tab's end when it frees. */
  function holdLock() {
    if (!navigator.locks) return;
    const id = `pairroom-tab-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    navigator.locks.request(id, () => {
      send({ type: "lock", id });
      return new Promise(() => {});
    }).catch(() => {});
  }

  if (typeof SharedWorker === "undefined" || !startShared()) startInPage();

  const ping = setInterval(() => {
    // the hub answers every ping; a ping unanswered for 15 s means it is gone or stuck
    if (pendingSince && Date.now() - pendingSince > 15_000 && !silent) {
      silent = true;
      showConn();
    }
    if (!pendingSince) pendingSince = Date.now();
    send({ type: "ping" });
  }, 5000);
  const onHide = () => send({ type: "unsubscribe", code });
  const onShow = (e) => {
    if (e.persisted) subscribe();
  };
  const onFocus = () => send({ type: "focus" });
  const onVisible = () => {
    if (!document.hidden) {
      send({ type: "focus" });
      send({ type: "ping" });
    }
  };
  const onOnline = () => send({ type: "retry" });
  addEventListener("pagehide", onHide);
  addEventListener("pageshow", onShow);
  addEventListener("focus", onFocus);
  addEventListener("online", onOnline);
  document.addEventListener("visibilitychange", onVisible);
  if (document.hasFocus()) onFocus();

  return {
    retry: () => send({ type: "retry" }),
    /** Announces a name chosen after the stream opened (the hub reopens it with ?name=). */
    setName(next) {
      name = next;
      if (name) subscribe();
    },
    close() {
      closed = true;
      send({ type: "unsubscribe", code });
      clearInterval(ping);
      removeEventListener("pagehide", onHide);
      removeEventListener("pageshow", onShow);
      removeEventListener("focus", onFocus);
      removeEventListener("online", onOnline);
      document.removeEventListener("visibilitychange", onVisible);
    },
  };
}
