// The retrospect: three questions whose answers are saved for the room with
// PUT /retrospect, shown again to everyone (an answer being typed is never
// overwritten by someone else's save), and "finish session", which marks
// the room completed (it stays usable; "reopen" undoes it).

import { api } from "./api.js";
import { h, setText } from "./dom.js";
import { t } from "./i18n.js";

const QUESTIONS = ["retroQ0", "retroQ1", "retroQ2"];

export function mountRetro(root, ctx) {
  const title = h("h2", { class: "card-title" });
  const fields = QUESTIONS.map((key, i) => {
    const label = h("label", { for: `retro-answer-${i}` });
    const area = h("textarea", {
      id: `retro-answer-${i}`, class: "input", rows: "2", maxlength: "1000", "data-testid": `retro-answer-${i}`,
    });
    return { key, label, area, dirty: false };
  });
  const save = h("button", { type: "submit", class: "btn primary", "data-testid": "retro-save" });
  const status = h("span", { class: "muted", role: "status" });
  const form = h("form", { class: "retro", "data-testid": "retro-form" },
    ...fields.map((f) => h("div", { class: "field" }, f.label, f.area)),
    h("div", { class: "row" }, save, status));
  const finishNote = h("p", { class: "finished-note" });
  const finish = h("button", { type: "button", class: "btn ghost" });
  root.append(title, form, h("div", { class: "row finish-row" }, finish, finishNote));

  let saved = null;
  let status_ = "in_progress";
  let justSaved = false;

  for (const f of fields) {
    f.area.addEventListener("input", () => {
      f.dirty = true;
      justSaved = false;
      setText(status, "");
    });
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const answers = fields.map((f) => f.area.value.trim());
    ctx.act(() => api.saveRetro(ctx.code, answers)).then((ok) => {
      if (!ok) return;
      for (const f of fields) f.dirty = false;
      justSaved = true;
      setText(status, t("retroSaved"));
    });
  });

  finish.addEventListener("click", () => {
    const next = status_ === "completed" ? "in_progress" : "completed";
    ctx.act(() => api.setStatus(ctx.code, next));
  });

  function render(retrospect, roomStatus) {
    status_ = roomStatus;
    setText(title, t("retroTitle"));
    fields.forEach((f) => setText(f.label, t(f.key)));
    setText(save, t("retroSave"));
    if (justSaved) setText(status, t("retroSaved"));
    setText(finish, roomStatus === "completed" ? t("reopen") : t("finish"));
    setText(finishNote, roomStatus === "completed" ? t("finished") : "");
    finishNote.hidden = roomStatus !== "completed";
    const next = Array.isArray(retrospect) ? retrospect : [];
    const key = JSON.stringify(next);
    if (key === saved) return;
    saved = key;
    fields.forEach((f, i) => {
      if (!f.dirty) f.area.value = next[i] || "";
    });
  }

  return { render };
}
