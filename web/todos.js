// The pair's todo list: add, edit in place (click or Enter on the text;
// Enter saves, Escape cancels), check, delete, and reorder by drag and drop
// or by keyboard (the up/down buttons, or Alt+ArrowUp/Down on any part of
// an item). Items are kept as DOM nodes keyed by id, so a re-render from
// the stream never steals focus or an edit in progress.

import { api } from "./api.js";
import { h, setText } from "./dom.js";
import { t } from "./i18n.js";

export function mountTodos(root, ctx) {
  const title = h("h2", { class: "card-title" });
  const inputLabel = h("label", { for: "todo-input", class: "sr-only" });
  const input = h("input", {
    id: "todo-input", class: "input", "data-testid": "todo-input", maxlength: "255", autocomplete: "off",
  });
  const addBtn = h("button", { type: "submit", class: "btn primary", "data-testid": "todo-add" });
  const form = h("form", { class: "row add-row" }, inputLabel, input, addBtn);
  const list = h("ul", { class: "todos", "data-testid": "todo-list" });
  const empty = h("p", { class: "muted empty" });
  const hint = h("p", { class: "hint", id: "todo-hint" });
  root.append(title, form, list, empty, hint);

  let todos = [];
  const nodes = new Map(); // id -> li

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const content = input.value.trim();
    if (!content) return;
    // cleared at once so the next todo can be typed; given back if the add fails
    input.value = "";
    ctx.act(() => api.addTodo(ctx.code, content)).then((ok) => {
      if (!ok && !input.value) input.value = content;
    });
    input.focus();
  });

  const indexOf = (id) => todos.findIndex((todo) => String(todo.id) === String(id));
  const move = (id, to) => {
    if (to < 0 || to >= todos.length || to === indexOf(id)) return;
    ctx.act(() => api.patchTodo(ctx.code, id, { position: to }));
  };

  // Alt+ArrowUp/Down anywhere inside an item (not while editing its text).
  list.addEventListener("keydown", (e) => {
    if (!e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
    const li = e.target.closest("li[data-id]");
    if (!li || e.target.matches("[data-testid=todo-edit]")) return;
    e.preventDefault();
    const id = li.dataset.id;
    move(id, indexOf(id) + (e.key === "ArrowUp" ? -1 : 1));
  });

  // Drag and drop: drop above or below the item under the pointer.
  let dragId = null;
  list.addEventListener("dragstart", (e) => {
    const li = e.target.closest?.("li[data-id]");
    if (!li) return;
    dragId = li.dataset.id;
    li.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", li.querySelector("[data-testid=todo-text]")?.textContent || "");
  });
  list.addEventListener("dragend", () => {
    dragId = null;
    for (const li of list.children) li.classList.remove("dragging", "drop-before", "drop-after");
  });
  const dropPlace = (e) => {
    const li = e.target.closest?.("li[data-id]");
    if (!li) return null;
    const rect = li.getBoundingClientRect();
    return { li, after: e.clientY > rect.top + rect.height / 2 };
  };
  list.addEventListener("dragover", (e) => {
    if (dragId === null) return;
    const place = dropPlace(e);
    if (!place) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    for (const li of list.children) li.classList.remove("drop-before", "drop-after");
    if (place.li.dataset.id !== dragId) place.li.classList.add(place.after ? "drop-after" : "drop-before");
  });
  list.addEventListener("drop", (e) => {
    if (dragId === null) return;
    const place = dropPlace(e);
    if (!place) return;
    e.preventDefault();
    const from = indexOf(dragId);
    let to = indexOf(place.li.dataset.id) + (place.after ? 1 : 0);
    if (from < to) to -= 1;
    const id = dragId;
    list.dispatchEvent(new Event("dragend"));
    if (from >= 0) move(id, to);
  });

  function startEdit(li, todo) {
    if (li.classList.contains("editing")) return;
    const text = li.querySelector("[data-testid=todo-text]");
    const edit = h("input", {
      class: "input todo-edit", "data-testid": "todo-edit", value: todo.content, maxlength: "255",
      "aria-label": t("todoEdit"),
    });
    let done = false;
    const finish = (saveIt) => {
      if (done) return;
      done = true;
      const content = edit.value.trim();
      const hadFocus = document.activeElement === edit;
      li.classList.remove("editing");
      li.draggable = true;
      edit.replaceWith(text);
      if (hadFocus) text.focus();
      const current = todos[indexOf(li.dataset.id)];
      if (saveIt && content && current && content !== current.content) {
        setText(text, content); // shown at once; the stream confirms it
        ctx.act(() => api.patchTodo(ctx.code, li.dataset.id, { content }));
      }
    };
    edit.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        finish(true);
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        finish(false);
      }
    });
    edit.addEventListener("blur", () => finish(true));
    li.classList.add("editing");
    li.draggable = false;
    text.replaceWith(edit);
    edit.focus();
    edit.select();
  }

  function makeItem(todo) {
    const li = h("li", { class: "todo", "data-testid": "todo-item", "data-id": String(todo.id), draggable: "true" });
    const grip = h("span", { class: "grip", "aria-hidden": "true" }, "⋮⋮");
    const check = h("input", { type: "checkbox", class: "check", "data-testid": "todo-check" });
    const text = h("span", {
      class: "todo-text", "data-testid": "todo-text", tabindex: "0", role: "button",
      "aria-describedby": "todo-hint",
    });
    const up = h("button", { type: "button", class: "icon-btn", "data-testid": "todo-up" }, "↑");
    const down = h("button", { type: "button", class: "icon-btn", "data-testid": "todo-down" }, "↓");
    const del = h("button", { type: "button", class: "icon-btn danger", "data-testid": "todo-delete" }, "✕");
    li.append(grip, check, text, h("span", { class: "todo-actions" }, up, down, del));
    const current = () => todos[indexOf(li.dataset.id)];
    check.addEventListener("change", () => {
      ctx.act(() => api.patchTodo(ctx.code, li.dataset.id, { checked: check.checked }));
    });
    text.addEventListener("click", () => current() && startEdit(li, current()));
    text.addEventListener("keydown", (e) => {
      if ((e.key === "Enter" || e.key === " ") && current()) {
        e.preventDefault();
        startEdit(li, current());
      }
    });
    up.addEventListener("click", () => move(li.dataset.id, indexOf(li.dataset.id) - 1));
    down.addEventListener("click", () => move(li.dataset.id, indexOf(li.dataset.id) + 1));
    del.addEventListener("click", () => {
      // keep a keyboard user in the list: move focus to a neighbour before this item goes
      if (document.activeElement === del) {
        const next = li.nextElementSibling || li.previousElementSibling;
        (next?.querySelector("[data-testid=todo-delete]") || input).focus();
      }
      ctx.act(() => api.deleteTodo(ctx.code, li.dataset.id));
    });
    return li;
  }

  function updateItem(li, todo, i) {
    const check = li.querySelector("[data-testid=todo-check]");
    const text = li.querySelector("[data-testid=todo-text]");
    if (check.checked !== todo.checked) check.checked = todo.checked;
    check.setAttribute("aria-label", todo.content);
    li.classList.toggle("done", todo.checked);
    if (!li.classList.contains("editing")) setText(text, todo.content);
    const up = li.querySelector("[data-testid=todo-up]");
    const down = li.querySelector("[data-testid=todo-down]");
    up.disabled = i === 0;
    down.disabled = i === todos.length - 1;
    up.setAttribute("aria-label", `${t("moveUp")}: ${todo.content}`);
    down.setAttribute("aria-label", `${t("moveDown")}: ${todo.content}`);
    up.title = t("moveUp");
    down.title = t("moveDown");
    const del = li.querySelector("[data-testid=todo-delete]");
    del.setAttribute("aria-label", t("deleteItem", { text: todo.content }));
    del.title = t("delete");
  }

  function render(next) {
    todos = Array.isArray(next) ? next : [];
    setText(title, t("todosTitle"));
    setText(inputLabel, t("todoInput"));
    input.placeholder = t("todoPlaceholder");
    setText(addBtn, t("add"));
    setText(empty, t("todoEmpty"));
    setText(hint, t("todoHint"));
    empty.hidden = todos.length > 0;

    const focused = document.activeElement;
    const seen = new Set();
    todos.forEach((todo, i) => {
      const id = String(todo.id);
      seen.add(id);
      let li = nodes.get(id);
      if (!li) {
        li = makeItem(todo);
        nodes.set(id, li);
      }
      updateItem(li, todo, i);
      if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
    });
    for (const [id, li] of nodes) {
      if (!seen.has(id)) {
        li.remove();
        nodes.delete(id);
      }
    }
    if (focused && focused !== document.activeElement && focused.isConnected) {
      focused.focus({ preventScroll: true });
    }
  }

  return { render };
}
