// Who drives and who navigates, shown large, the whole rotation order for a
// mob, and the manual swap (POST roles/rotate). At time-up the server
// rotates by itself; this view only ever shows what the server says.

import { api } from "./api.js";
import { hostKey } from "./storage.js";
import { h, setText } from "./dom.js";
import { t } from "./i18n.js";

export function mountRoles(root, ctx) {
  const driverLabel = h("span", { class: "role-label" });
  const driver = h("span", { class: "role-name", "data-testid": "driver-name" });
  const navLabel = h("span", { class: "role-label" });
  const nav = h("span", { class: "role-name", "data-testid": "navigator-name" });
  const swap = h("button", { type: "button", class: "btn", "data-testid": "swap-roles" });
  const rotLabel = h("h3", { class: "subhead", id: "rotation-title" });
  const list = h("ol", { class: "rotation", "data-testid": "rotation-list", "aria-labelledby": "rotation-title" });
  root.append(
    h("div", { class: "roles" },
      h("div", { class: "role driver" }, driverLabel, driver),
      h("div", { class: "role navigator" }, navLabel, nav)),
    h("div", { class: "row spread" }, rotLabel, swap),
    list,
  );
  swap.addEventListener("click", () => ctx.act(() => api.rotate(ctx.code)));

  let participants = [];
  function render(room) {
    participants = room.participants;
    swap.disabled = !!room.locked && !hostKey(ctx.code);
    setText(driver, room.driver);
    setText(nav, room.navigator);
    labels();
    const items = room.participants.map((name, i) => {
      const role = i === 0 ? t("driver") : i === 1 ? t("navigator") : i === 2 ? t("next") : "";
      return h("li", { class: i < 2 ? "active" : "" },
        h("span", { class: "who" }, name),
        role ? h("span", { class: "tag" }, role) : null);
    });
    list.replaceChildren(...items);
    list.hidden = false;
  }
  function labels() {
    setText(driverLabel, t("driver"));
    setText(navLabel, t("navigator"));
    setText(swap, t("swapRoles"));
    setText(rotLabel, `${t("rotation")} (${participants.length})`);
  }
  return { render };
}
