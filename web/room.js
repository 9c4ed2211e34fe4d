// The room page (/r/{code}): loads the room once (clock sample, participants
// for the "who are you" prompt, a 404/410 check), then follows the shared
// stream and draws the newest version it has seen into the timer, roles,
// presence, todos, links and retrospect views. Handles time-up (banner,
// live-region announcement, chime and notification in one tab of the
// browser), the connection indicator, sharing, and the Space shortcut.
// It never rotates roles itself: the server does that at time-up.

import { ApiError, api, normalizeCode } from "./api.js";
import { byTestId, h, isTypingTarget, setText } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import { mountLinks } from "./links.js";
import { mountPresence } from "./presence.js";
import { mountRetro } from "./retro.js";
import { mountRoles } from "./roles.js";
import { chime, notify, unlock } from "./sound.js";
import { applyEvent, emptyState } from "./state.js";
import { rememberRoom, roomName, setRoomName } from "./storage.js";
import { openStream } from "./stream.js";
import { mountTimer } from "./timer.js";
import { mountTodos } from "./todos.js";
import { askName } from "./whoami.js";

export async function mountRoom(main, slot, rawCode, ui) {
  const code = normalizeCode(rawCode);
  if (!code) {
    showGone(main, t("notFound"));
    return;
  }
  if (location.pathname !== `/r/${code}`) {
    history.replaceState(null, "", `/r/${code}${location.search}${location.hash}`);
  }
  main.replaceChildren(h("p", { class: "loading" }, t("loading")));

  let state = emptyState();
  let offset = 0;
  let conn = "reconnecting";
  let everLive = false;
  let gone = false;
  let myName = "";
  let stream = null;
  let view = null;

  // ---- header: code, share, connection ----
  const codeLabel = h("span", { class: "code-label" });
  const codeText = h("code", { class: "code", "data-testid": "room-code" }, code);
  const copyLink = h("button", { type: "button", class: "btn small ghost", "data-testid": "copy-link" });
  const copyCode = h("button", { type: "button", class: "btn small ghost", "data-testid": "copy-code" });
  const copyStatus = h("span", { class: "copy-status", role: "status" });
  const connDot = h("span", { class: "dot", "aria-hidden": "true" });
  const connText = h("span");
  const connEl = h("span", { class: "conn", "data-testid": "connection-status", "data-state": "reconnecting" },
    connDot, connText);
  slot.replaceChildren(h("div", { class: "room-head" },
    h("span", { class: "code-box" }, codeLabel, codeText), copyLink, copyCode, copyStatus, connEl));

  let copyTimer = 0;
  async function copy(text, okKey) {
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      const area = h("textarea", { class: "offscreen", readonly: true }, text);
      document.body.append(area);
      area.select();
      try {
        ok = document.execCommand("copy");
      } catch {
        ok = false;
      }
      area.remove();
    }
    setText(copyStatus, ok ? t(okKey) : t("copyFailed"));
    copyStatus.classList.toggle("shown", true);
    clearTimeout(copyTimer);
    copyTimer = setTimeout(() => {
      copyStatus.classList.remove("shown");
      setText(copyStatus, "");
    }, 2500);
  }
  copyLink.addEventListener("click", () => copy(`${location.origin}/r/${code}`, "copiedLink"));
  copyCode.addEventListener("click", () => copy(code, "copiedCode"));

  function renderConn() {
    const shown = gone ? "offline" : conn;
    connEl.dataset.state = shown;
    if (shown === "live") everLive = true;
    const key = gone ? "connGone"
      : shown === "reconnecting" && !everLive ? "connConnecting"
        : { live: "connLive", reconnecting: "connReconnecting", offline: "connOffline" }[shown];
    setText(connText, t(key));
  }

  function headerLabels() {
    setText(codeLabel, t("roomLabel"));
    setText(copyLink, t("copyLink"));
    setText(copyCode, t("copyCode"));
    renderConn();
  }
  headerLabels();

  // ---- actions ----
  const ctx = {
    code,
    offset: () => offset,
    name: () => myName,
    idleTitle: () => `${code} · pairroom`,
    error: (msg) => ui.error(msg),
    /** Runs an API call; resolves to its answer (true for 204) or false after showing the error. */
    async act(fn, opts = {}) {
      try {
        const data = await fn();
        return data ?? true;
      } catch (err) {
        if (err instanceof ApiError) {
          if (err.status === 404 || err.status === 410) {
            setGone();
            return false;
          }
          if (err.status === 409 && opts.quiet409) return false;
          ui.error(err.status === 0 ? t("errNetwork") : err.message);
        } else {
          ui.error(String(err?.message || err));
        }
        return false;
      }
    },
  };

  // ---- first load ----
  try {
    const t0 = Date.now();
    const env = await api.getRoom(code);
    const t1 = Date.now();
    offset = env.server_time_ms - (t0 + t1) / 2;
    applyEvent(state, "snapshot", env);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 410)) {
      gone = true;
      renderConn();
      showGone(main, err.status === 404 ? t("notFound") : t("goneTitle"));
      return;
    }
    // server unreachable: the stream keeps trying and fills the page in
  }
  if (state.room) rememberRoom(code, state.room.participants);

  // ---- the view ----
  view = buildView();
  main.replaceChildren(view.root);
  render();

  // ---- who are you (asked while the stream already runs without a name) ----
  const urlName = (new URLSearchParams(location.search).get("name") || "").trim().slice(0, 20);
  let ask = false;
  if (urlName) {
    myName = urlName;
    setRoomName(code, urlName);
  } else if (roomName(code) !== null) {
    myName = roomName(code);
  } else if (state.room) {
    ask = true;
  }

  // ---- the stream ----
  stream = openStream(code, myName, {
    hello(msg) {
      if (msg.offset !== null && msg.offset !== undefined) offset = msg.offset;
      if (msg.state) {
        if (!state.room || msg.state.version > state.version) state = { ...msg.state };
        else if (msg.state.version === state.version) state.present = msg.state.present;
      }
      if (msg.gone) setGone();
      else render();
    },
    event(type, data, ring) {
      const changed = applyEvent(state, type, data);
      if (!changed) return;
      if (!view) return;
      render();
      const causes = type === "change" && Array.isArray(data.causes) ? data.causes : [];
      if (causes.includes("completed")) timeUp(ring);
      if (causes.includes("deleted") || state.room?.status === "deleted") setGone();
    },
    conn(next) {
      conn = next;
      renderConn();
    },
    offset(next) {
      offset = next;
      view?.timer.redraw();
    },
    gone: () => setGone(),
  });

  if (ask) {
    askName(state.room.participants).then((chosen) => {
      setRoomName(code, chosen);
      myName = chosen;
      if (chosen && !gone) stream.setName(chosen);
      render();
    });
  }

  onLangChange(() => {
    headerLabels();
    if (view) {
      view.labels();
      render();
    }
  });

  // browsers unlock audio only inside a user gesture: take the first one
  for (const type of ["pointerdown", "keydown"]) document.addEventListener(type, unlock, { once: true });

  document.addEventListener("keydown", (e) => {
    if (e.code !== "Space" && e.key !== " ") return;
    if (e.repeat || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(document.activeElement)) return;
    if (document.activeElement?.closest?.("[data-testid=todo-item]")) return;
    if (!view || !state.room) return;
    e.preventDefault();
    view.timer.toggle();
  });

  function setGone() {
    if (gone && !view) return;
    gone = true;
    stream?.close();
    renderConn();
    view = null;
    document.title = "pairroom";
    showGone(main, t("goneTitle"));
  }

  function timeUp(ring) {
    const room = state.room;
    const roles = t("timeUpRoles", { driver: room.driver, navigator: room.navigator });
    view.bannerText.textContent = t("timeUp");
    view.bannerRoles.textContent = roles;
    view.banner.hidden = false;
    ui.announce(`${t("timeUp")} ${roles}`);
    if (ring) {
      chime();
      if (document.hidden || !document.hasFocus()) {
        notify(t("timeUp"), roles, `pairroom-${code}-${state.version}`);
      }
    }
  }

  function render() {
    if (!view) return;
    const room = state.room;
    view.root.classList.toggle("loaded", !!room);
    if (!room) return;
    view.root.dataset.timerState = room.timer.state;
    view.root.dataset.version = String(state.version);
    view.root.classList.toggle("completed", room.status === "completed");
    view.timer.render(room);
    view.roles.render(room);
    view.presence.render(state.present);
    const ws = state.workspace || {};
    view.todos.render(ws.todos || []);
    view.links.render(ws);
    view.retro.render(ws.retrospect, room.status);
  }

  function buildView() {
    const bannerText = h("strong", { class: "banner-title" });
    const bannerRoles = h("span", { class: "banner-roles" });
    const dismiss = h("button", { type: "button", class: "btn small", "data-testid": "timeup-dismiss" });
    const banner = h("div", { class: "banner", "data-testid": "timeup-banner", hidden: true },
      h("span", { class: "banner-icon", "aria-hidden": "true" }, "!"),
      h("div", { class: "banner-body" }, bannerText, bannerRoles), dismiss);
    dismiss.addEventListener("click", () => {
      unlock();
      banner.hidden = true;
      byTestId("timer-start", root)?.focus();
    });

    const timerCard = h("section", { class: "card timer-card", "aria-label": "timer" });
    const rolesCard = h("section", { class: "card roles-card" });
    const presenceCard = h("section", { class: "card presence-card" });
    const todosCard = h("section", { class: "card todos-card" });
    const linksCard = h("section", { class: "card links-card" });
    const retroCard = h("section", { class: "card retro-card" });
    const keysHint = h("p", { class: "hint keys-hint" });
    const loading = h("p", { class: "loading" });
    const root = h("div", {
      class: "room", "data-testid": "room", "data-timer-state": "idle", "data-version": "",
    },
    banner,
    loading,
    h("div", { class: "room-grid" },
      h("div", { class: "col col-a" }, timerCard, rolesCard, presenceCard, keysHint),
      h("div", { class: "col col-b" }, todosCard, linksCard, retroCard)));

    const v = {
      root, banner, bannerText, bannerRoles,
      timer: mountTimer(timerCard, ctx),
      roles: mountRoles(rolesCard, ctx),
      presence: mountPresence(presenceCard, ctx),
      todos: mountTodos(todosCard, ctx),
      links: mountLinks(linksCard, ctx),
      retro: mountRetro(retroCard, ctx),
      labels() {
        setText(dismiss, t("dismiss"));
        setText(keysHint, t("keysHint"));
        setText(loading, t("loading"));
        timerCard.setAttribute("aria-label", t("timerTitle"));
        if (!banner.hidden && state.room) {
          bannerText.textContent = t("timeUp");
          bannerRoles.textContent = t("timeUpRoles", { driver: state.room.driver, navigator: state.room.navigator });
        }
      },
    };
    v.labels();
    return v;
  }
}

function showGone(main, message) {
  main.replaceChildren(h("section", { class: "card gone" },
    h("h1", {}, message),
    h("p", { class: "muted" }, t("goneText")),
    h("a", { href: "/", class: "btn primary" }, t("backHome"))));
}
