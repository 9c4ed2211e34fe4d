// Who has the room open right now: the names of the room's open streams
// (`present`), one entry per name, with this browser's own name marked.

import { h } from "./dom.js";
import { t } from "./i18n.js";

export function mountPresence(root, ctx) {
  const title = h("h2", { class: "card-title" });
  const list = h("ul", { class: "presence", "data-testid": "presence-list" });
  const empty = h("p", { class: "muted empty" });
  root.append(title, list, empty);
  let last = "";
  function render(present) {
    title.textContent = t("presenceTitle");
    empty.textContent = t("presenceEmpty");
    const names = [...new Set((present || []).filter(Boolean))];
    const key = JSON.stringify([names, ctx.name(), t("you")]);
    empty.hidden = names.length > 0;
    if (key === last) return;
    last = key;
    list.replaceChildren(...names.map((name) => h("li", {
      "data-testid": "presence-item",
      class: "presence-item",
      "data-you": name === ctx.name() ? t("you") : undefined,
    }, name)));
  }
  return { render };
}
