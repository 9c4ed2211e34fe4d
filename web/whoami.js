// The "who are you?" prompt shown once per room and browser: pick one of
// the participants or type another name (or just watch). The answer is the
// stream's ?name=, which puts this browser in the room's `present` list.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/** Resolves to the chosen name, or "" to watch without one. */
export function askName(participants) {
  return new Promise((resolve) => {
    const customLabel = h("label", { for: "name-custom" }, t("whoCustom"));
    const custom = h("input", {
      id: "name-custom", class: "input", "data-testid": "name-custom", maxlength: "20", autocomplete: "nickname",
    });
    const confirm = h("button", { type: "submit", class: "btn primary", "data-testid": "name-confirm" }, t("whoConfirm"));
    const skip = h("button", { type: "button", class: "btn ghost", "data-testid": "name-skip" }, t("whoSkip"));
    const choices = participants.map((name) =>
      h("button", { type: "button", class: "btn choice", "data-testid": "name-choice" }, name));
    const form = h("form", { class: "custom-name" }, customLabel, h("div", { class: "row" }, custom, confirm));
    const dialog = h("dialog", {
      class: "dialog", "data-testid": "name-dialog", "aria-labelledby": "who-title", "aria-describedby": "who-text",
    },
    h("h2", { id: "who-title" }, t("whoTitle")),
    h("p", { id: "who-text", class: "muted" }, t("whoText")),
    h("div", { class: "choices" }, choices),
    form,
    h("div", { class: "row end" }, skip));

    const done = (name) => {
      dialog.close();
      dialog.remove();
      resolve(name);
    };
    choices.forEach((btn, i) => btn.addEventListener("click", () => done(participants[i])));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const name = custom.value.trim();
      if (name) done(name.slice(0, 20));
      else custom.focus();
    });
    skip.addEventListener("click", () => done(""));
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      done("");
    });
    document.body.append(dialog);
    dialog.showModal();
    (choices[0] || custom).focus();
  });
}
