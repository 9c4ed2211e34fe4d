// Reference links with categories: create categories, pick one when adding a
// link, filter the list by category, delete links. The server reads each
// link's page preview (title, description, image) when it is added; the
// list shows the preview title, or the URL when there is none.

import { api } from "./api.js";
import { h, setText } from "./dom.js";
import { t } from "./i18n.js";

const isHttp = (url) => /^https?:\/\//i.test(url || "");

export function mountLinks(root, ctx) {
  const title = h("h2", { class: "card-title" });

  const catLabel = h("label", { for: "category-input", class: "sr-only" });
  const catInput = h("input", {
    id: "category-input", class: "input", "data-testid": "category-input", maxlength: "10", autocomplete: "off",
  });
  const catAdd = h("button", { type: "submit", class: "btn", "data-testid": "category-add" });
  const catForm = h("form", { class: "row add-row" }, catLabel, catInput, catAdd);

  const linkLabel = h("label", { for: "link-input", class: "sr-only" });
  const linkInput = h("input", {
    id: "link-input", class: "input", "data-testid": "link-input", inputmode: "url", autocomplete: "off",
    maxlength: "1024",
  });
  const linkCatLabel = h("label", { for: "link-category", class: "sr-only" });
  const linkCat = h("select", { id: "link-category", class: "input select", "data-testid": "link-category" });
  const linkAdd = h("button", { type: "submit", class: "btn primary", "data-testid": "link-add" });
  const linkForm = h("form", { class: "link-form" },
    linkLabel, linkInput, h("div", { class: "row" }, linkCatLabel, linkCat, linkAdd));

  const filterLabel = h("label", { for: "category-filter", class: "inline-label" });
  const filter = h("select", { id: "category-filter", class: "input select", "data-testid": "category-filter" });
  const filterRow = h("div", { class: "row filter-row" }, filterLabel, filter);

  const list = h("ul", { class: "links", "data-testid": "link-list" });
  const empty = h("p", { class: "muted empty" });
  root.append(title, linkForm, catForm, filterRow, list, empty);

  let categories = [];
  let links = [];
  let adding = false;

  catForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const name = catInput.value.trim();
    if (!name) return;
    catInput.value = "";
    ctx.act(() => api.addCategory(ctx.code, name)).then((res) => {
      if (!res) {
        if (!catInput.value) catInput.value = name;
        return;
      }
      if (res.id !== undefined) {
        // offer the new category right away for the next link
        categories = res.workspace?.categories || categories;
        renderSelects();
        linkCat.value = String(res.id);
      }
    });
  });

  linkForm.addEventListener("submit", (e) => {
    e.preventDefault();
    let url = linkInput.value.trim();
    if (!url || adding) return;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) url = `https://${url}`;
    const categoryId = linkCat.value ? Number(linkCat.value) : null;
    adding = true;
    labels();
    linkInput.value = "";
    ctx.act(() => api.addLink(ctx.code, url, categoryId)).then((res) => {
      adding = false;
      labels();
      if (!res && !linkInput.value) linkInput.value = url;
    });
  });

  filter.addEventListener("change", renderList);

  function fillSelect(select, firstLabel) {
    const keep = select.value;
    const options = [h("option", { value: "" }, firstLabel)]
      .concat(categories.map((c) => h("option", { value: String(c.id) }, c.name)));
    select.replaceChildren(...options);
    select.value = categories.some((c) => String(c.id) === keep) ? keep : "";
  }

  function renderSelects() {
    fillSelect(filter, t("allCategories"));
    fillSelect(linkCat, t("noCategory"));
  }

  function linkItem(link) {
    const p = link.preview || {};
    const shownTitle = p.og_title || p.head_title || link.url;
    let host = link.url;
    try {
      host = new URL(link.url).host;
    } catch {
      // keep the raw url
    }
    const anchor = h("a", { href: link.url, target: "_blank", rel: "noopener noreferrer", class: "link-anchor" },
      h("span", { class: "link-title", "data-testid": "link-title" }, shownTitle));
    const meta = h("div", { class: "link-meta" },
      link.category_name ? h("span", { class: "chip" }, link.category_name) : null,
      h("span", { class: "host" }, host));
    const body = h("div", { class: "link-body" }, anchor, meta,
      p.description ? h("p", { class: "link-desc" }, p.description) : null);
    let img = null;
    if (isHttp(p.image)) {
      img = h("img", { class: "thumb", src: p.image, alt: "", loading: "lazy", referrerpolicy: "no-referrer" });
      img.addEventListener("error", () => img.remove());
    }
    const del = h("button", {
      type: "button", class: "icon-btn danger", "data-testid": "link-delete",
      "aria-label": t("deleteItem", { text: shownTitle }), title: t("delete"),
    }, "✕");
    del.addEventListener("click", () => ctx.act(() => api.deleteLink(ctx.code, link.id)));
    return h("li", { class: "link", "data-testid": "link-item", "data-id": String(link.id) }, body, img, del);
  }

  let lastKey = "";
  function renderList() {
    const want = filter.value;
    const shown = links.filter((l) => !want || String(l.category_id) === want);
    const key = JSON.stringify([shown, t("delete")]);
    empty.hidden = shown.length > 0;
    if (key === lastKey) return;
    lastKey = key;
    const focusedId = document.activeElement?.closest?.("li[data-id]")?.dataset.id;
    list.replaceChildren(...shown.map(linkItem));
    if (focusedId) list.querySelector(`li[data-id="${focusedId}"] [data-testid=link-delete]`)?.focus();
  }

  function labels() {
    setText(title, t("linksTitle"));
    setText(catLabel, t("categoryInput"));
    catInput.placeholder = t("categoryInput");
    setText(catAdd, t("categoryAdd"));
    setText(linkLabel, t("linkInput"));
    linkInput.placeholder = t("linkPlaceholder");
    setText(linkCatLabel, t("linkCategory"));
    setText(linkAdd, adding ? t("linkAdding") : t("linkAdd"));
    linkAdd.disabled = adding;
    setText(filterLabel, t("categoryFilter"));
    setText(empty, t("linkEmpty"));
  }

  function render(ws) {
    categories = ws.categories || [];
    links = ws.links || [];
    labels();
    renderSelects();
    renderList();
  }

  return { render };
}
