// Entry point of the single page: builds the shared frame (header with the
// language toggle, the error message, the aria-live region) and shows the
// home page at "/" or a room at "/r/{code}", decided by location.pathname.

import { h } from "./dom.js";
import { getLang, onLangChange, setLang, t } from "./i18n.js";
import { mountHome } from "./home.js";
import { mountRoom } from "./room.js";

const app = document.getElementById("app");
const live = document.querySelector("[data-testid=live-region]");

const slot = h("div", { class: "head-slot" });
const langBtn = h("button", { type: "button", class: "btn small ghost lang", "data-testid": "lang-toggle" });
const header = h("header", { class: "topbar" },
  h("a", { class: "brand", href: "/" }, h("span", { class: "brand-mark", "aria-hidden": "true" }), "pairroom"),
  slot, langBtn);

const errorText = h("span", { class: "error-text", "data-testid": "error-message", role: "alert" });
const errorClose = h("button", { type: "button", class: "icon-btn", "aria-label": "×" }, "✕");
const errorBox = h("div", { class: "error", hidden: true }, errorText, errorClose);
const main = h("main", { id: "main", class: "main" });
app.replaceChildren(header, errorBox, main);

let errorTimer = 0;
const ui = {
  error(message) {
    errorText.textContent = message;
    errorBox.hidden = false;
    clearTimeout(errorTimer);
    errorTimer = setTimeout(() => ui.clearError(), 12_000);
  },
  clearError() {
    errorBox.hidden = true;
    errorText.textContent = "";
  },
  announce(message) {
    // re-set so screen readers announce the same text twice in a row too
    live.textContent = "";
    setTimeout(() => {
      live.textContent = message;
    }, 50);
  },
};
errorClose.addEventListener("click", ui.clearError);

function labels() {
  langBtn.textContent = t("langToggle");
  langBtn.setAttribute("aria-label", t("langToggleLabel"));
  langBtn.setAttribute("lang", getLang() === "ko" ? "en" : "ko");
  errorClose.setAttribute("aria-label", t("dismiss"));
}
labels();
onLangChange(labels);
langBtn.addEventListener("click", () => setLang(getLang() === "ko" ? "en" : "ko"));

const match = location.pathname.match(/^\/r\/([^/]+)\/?$/);
if (match) {
  document.body.classList.add("in-room");
  mountRoom(main, slot, decodeURIComponent(match[1]), ui);
} else {
  mountHome(main, ui);
}
