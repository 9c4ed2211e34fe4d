// The home page (/): create a room (two names, round length, optional
// breaks every N rounds, optional mob names), join one by code or pasted
// link, and reopen this browser's recent rooms (kept in localStorage).

import { ApiError, api, codeFromInput } from "./api.js";
import { h } from "./dom.js";
import { onLangChange, t } from "./i18n.js";
import { forgetRoom, recentRooms, rememberRoom, setHostKey } from "./storage.js";

function field(id, labelKey, input, hintKey) {
  const label = h("label", { for: id, "data-i18n": labelKey });
  const parts = [label, input];
  if (hintKey) {
    const hint = h("p", { class: "hint", id: `${id}-hint`, "data-i18n": hintKey });
    input.setAttribute("aria-describedby", `${id}-hint`);
    parts.push(hint);
  }
  return h("div", { class: "field" }, ...parts);
}

export function mountHome(main, ui) {
  const input = (id, attrs) => h("input", { id, "data-testid": id, class: "input", ...attrs });
  const name1 = input("name-1", { maxlength: "20", required: true, autocomplete: "off" });
  const name2 = input("name-2", { maxlength: "20", required: true, autocomplete: "off" });
  const minutes = input("round-minutes", { type: "number", min: "1", max: "1440", step: "1", value: "10", required: true });
  const breakEvery = input("break-every", { type: "number", min: "0", max: "15", step: "1", placeholder: "–" });
  const breakMinutes = input("break-minutes", { type: "number", min: "1", max: "1440", step: "1", value: "5" });
  const mob = h("textarea", { id: "mob-names", "data-testid": "mob-names", class: "input", rows: "3" });
  const lock = h("input", { id: "lock-controls", "data-testid": "lock-controls", type: "checkbox", "aria-describedby": "lock-hint" });
  const lockField = h("div", { class: "field check" },
    h("div", { class: "row" }, lock, h("label", { for: "lock-controls", class: "inline-label", "data-i18n": "lockControls" })),
    h("p", { class: "hint", id: "lock-hint", "data-i18n": "lockHint" }));
  const create = h("button", { type: "submit", class: "btn primary big wide", "data-testid": "create-room", "data-i18n": "createRoom" });

  const createForm = h("form", { class: "card create", "data-testid": "create-form", novalidate: true },
    h("h2", { class: "card-title", "data-i18n": "createTitle" }),
    h("div", { class: "grid2" }, field("name-1", "name1", name1), field("name-2", "name2", name2)),
    h("div", { class: "grid3" },
      field("round-minutes", "roundMinutes", minutes),
      field("break-every", "breakEvery", breakEvery),
      field("break-minutes", "breakMinutes", breakMinutes)),
    field("mob-names", "mobNames", mob, "mobHint"),
    lockField,
    create);

  const joinInput = input("join-input", { autocomplete: "off", spellcheck: "false" });
  const joinForm = h("form", { class: "card join" },
    h("h2", { class: "card-title", "data-i18n": "joinTitle" }),
    h("label", { for: "join-input", "data-i18n": "joinLabel" }),
    h("div", { class: "row" }, joinInput,
      h("button", { type: "submit", class: "btn primary", "data-testid": "join-button", "data-i18n": "join" })));

  const recentList = h("ul", { class: "recent", "data-testid": "recent-rooms", "aria-labelledby": "recent-title" });
  const recentEmpty = h("p", { class: "muted empty", "data-i18n": "recentEmpty" });
  const recentCard = h("section", { class: "card" },
    h("h2", { class: "card-title", id: "recent-title", "data-i18n": "recentTitle" }), recentList, recentEmpty);

  main.replaceChildren(h("div", { class: "home" },
    h("section", { class: "hero" },
      h("h1", { class: "hero-title" }, "pairroom"),
      h("p", { class: "hero-text", "data-i18n": "tagline" })),
    h("div", { class: "home-grid" }, createForm, h("div", { class: "col" }, joinForm, recentCard))));

  function renderRecent() {
    const rooms = recentRooms();
    recentEmpty.hidden = rooms.length > 0;
    recentList.replaceChildren(...rooms.map((r) => {
      const remove = h("button", {
        type: "button", class: "icon-btn", "aria-label": t("removeRoom", { code: r.code }), title: t("remove"),
      }, "✕");
      remove.addEventListener("click", () => {
        forgetRoom(r.code);
        renderRecent();
        (recentList.querySelector("button") || joinInput).focus();
      });
      return h("li", { class: "recent-room", "data-testid": "recent-room" },
        h("a", { href: `/r/${r.code}` },
          h("code", {}, r.code),
          r.names?.length ? h("span", { class: "muted names" }, r.names.join(" · ")) : null),
        remove);
    }));
  }

  function labels() {
    for (const el of main.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    joinInput.placeholder = t("joinPlaceholder");
    renderRecent();
  }
  labels();
  onLangChange(labels);

  const minutesOk = (n) => Number.isInteger(n) && n >= 1 && n <= 1440;

  createForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    ui.clearError();
    const names = [name1.value, name2.value, ...mob.value.split("\n")].map((s) => s.trim()).filter(Boolean);
    if (!name1.value.trim() || !name2.value.trim()) return fail(t("errNames"), name1.value.trim() ? name2 : name1);
    if (new Set(names).size !== names.length) return fail(t("errDistinct"), mob);
    if (names.length > 12) return fail(t("errTooMany"), mob);
    const mins = Number(minutes.value);
    if (!minutesOk(mins)) return fail(t("errMinutes"), minutes);
    const every = breakEvery.value.trim() === "" ? 0 : Number(breakEvery.value);
    const body = { participants: names };
    if (lock.checked) body.locked = true;
    const round = { label: "Round", duration_ms: mins * 60_000 };
    if (every) {
      const bmins = Number(breakMinutes.value);
      if (!Number.isInteger(every) || every < 1 || every > 15 || !minutesOk(bmins)) {
        return fail(t("errBreak"), breakEvery);
      }
      const phases = Array.from({ length: every }, () => ({ ...round }));
      phases.push({ label: "Break", duration_ms: bmins * 60_000 });
      body.plan = { phases, auto_advance: false };
    } else {
      body.plan = { phases: [round], auto_advance: false };
    }
    create.disabled = true;
    create.textContent = t("creating");
    try {
      const env = await api.createRoom(body);
      if (env.host_key) setHostKey(env.room.code, env.host_key);
      rememberRoom(env.room.code, env.room.participants);
      location.assign(`/r/${env.room.code}`);
    } catch (err) {
      create.disabled = false;
      create.textContent = t("createRoom");
      ui.error(err instanceof ApiError && err.status !== 0 ? err.message : t("errNetwork"));
    }
  });

  function fail(message, focusEl) {
    ui.error(message);
    focusEl?.focus();
  }

  joinForm.addEventListener("submit", (e) => {
    e.preventDefault();
    ui.clearError();
    const code = codeFromInput(joinInput.value);
    if (!code) {
      ui.error(t("badCode"));
      joinInput.focus();
      return;
    }
    location.assign(`/r/${code}`);
  });
}
