// pairroom's API reference: fetches the server's OpenAPI 3.1 document and
// draws it as plain DOM: operations grouped by tag, with their parameters,
// bodies and answers, then every component schema, and a filter box.
//
// Nothing from the document is ever parsed as HTML (every string goes in as
// text), so a description cannot inject markup, and the page needs no
// inline script or style, which the server's CSP would refuse anyway.

const SPEC_URL = "/api/openapi.json";
/** The operation keys of an OpenAPI path item, in the order they are drawn. */
const METHODS = ["get", "put", "post", "patch", "delete", "head", "options", "trace"];
const SCHEMA_PREFIX = "#/components/schemas/";
/** How deep inline (not `$ref`) schemas are unfolded before "…". */
const MAX_DEPTH = 6;
/** Schema keywords shown as "key: value" chips, in this order. */
const CONSTRAINTS = [
  "format", "minLength", "maxLength", "pattern", "minimum", "exclusiveMinimum",
  "maximum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems",
  "minProperties", "maxProperties", "const", "default", "readOnly", "writeOnly", "deprecated",
];
/** Keywords whose value is shown as is rather than as JSON. */
const RAW_VALUES = new Set(["format", "pattern"]);

/** Builds an element: `attrs` become attributes (`class`, `text` are
 * shortcuts), children are nodes or strings (always added as text). One
 * helper so that no code path is tempted to use innerHTML. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

/** Whether `value` is a plain JSON object (not null, not an array), since a
 * document from the wire may hold anything where an object is expected. */
function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Follows a local JSON pointer (`#/components/schemas/Room`) through the
 * document; undefined when it leads nowhere or is not local, because a
 * reader should see a broken reference, not a broken page. */
function pointer(doc, ref) {
  if (typeof ref !== "string" || !ref.startsWith("#")) return undefined;
  let node = doc;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    let key;
    try {
      key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    } catch {
      return undefined;
    }
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Replaces a `$ref` object (a parameter, body or response kept under
 * `components`) by what it points at, following chains, so the rest of the
 * code sees the real thing; a loop or a dangling ref gives `{}`. */
function deref(doc, obj) {
  const seen = new Set();
  while (isObject(obj) && typeof obj.$ref === "string") {
    if (seen.has(obj.$ref)) return {};
    seen.add(obj.$ref);
    obj = pointer(doc, obj.$ref);
  }
  return isObject(obj) ? obj : {};
}

/** The component name a schema `$ref` names, or null for any other ref. */
function refName(ref) {
  if (typeof ref !== "string" || !ref.startsWith(SCHEMA_PREFIX)) return null;
  const raw = ref.slice(SCHEMA_PREFIX.length);
  try {
    return decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
  } catch {
    return raw;
  }
}

/** Turns `prefix` + any name into an id that is safe in a URL fragment and
 * unique on the page (`taken` remembers the ids handed out). */
function uniqueId(prefix, name, taken) {
  const base = prefix + String(name).replace(/[^A-Za-z0-9_-]+/g, "_");
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** Adds `text` to `parent` with `code` spans drawn as <code>, the one bit
 * of Markdown that doc comments use everywhere. */
function inline(parent, text) {
  text.split(/(`[^`\n]+`)/).forEach((part, i) => {
    if (i % 2 === 1) parent.append(el("code", {}, part.slice(1, -1)));
    else if (part) parent.append(part);
  });
  return parent;
}

/** Draws a description as paragraphs and "- " bullet lists (the Markdown
 * of Rust doc comments), never as HTML; null when there is nothing to say,
 * so callers can skip the element altogether. */
function prose(text, cls = "prose") {
  if (typeof text !== "string" || !text.trim()) return null;
  const box = el("div", { class: cls });
  let para = [];
  let list = null;
  const flush = () => {
    if (para.length) {
      const heading = para[0].match(/^#+\s+(.*)$/);
      if (heading) para[0] = heading[1];
      box.append(inline(el("p", { class: heading ? "prose-heading" : null }), para.join(" ")));
    }
    para = [];
  };
  for (const line of text.trim().split("\n")) {
    const item = line.match(/^\s*[-*+]\s+(.*)$/);
    if (!line.trim()) {
      flush();
      list = null;
    } else if (item) {
      flush();
      if (!list) box.append((list = el("ul")));
      list.append(inline(el("li"), item[1]));
    } else if (list && /^\s/.test(line)) {
      list.lastChild.append(" ", ...inline(el("span"), line.trim()).childNodes);
    } else {
      list = null;
      para.push(line.trim());
    }
  }
  flush();
  return box;
}

/** Whether a schema only admits null (`{"type": "null"}` and kin), so that
 * `oneOf: [null, X]` can be shown as "X | null", the way utoipa writes
 * `Option<X>`. */
function isNullSchema(schema) {
  if (!isObject(schema)) return false;
  const t = schema.type;
  return t === "null" || (Array.isArray(t) && t.length === 1 && t[0] === "null")
    || schema.const === null || (Array.isArray(schema.enum) && schema.enum.length === 1 && schema.enum[0] === null);
}

/** The variants of a oneOf/anyOf, or null: the keyword and its members. */
function union(schema) {
  if (!isObject(schema)) return null;
  if (Array.isArray(schema.oneOf)) return { kind: "one of", members: schema.oneOf };
  if (Array.isArray(schema.anyOf)) return { kind: "any of", members: schema.anyOf };
  return null;
}

/** The JSON types a schema admits, guessing from its keywords when it has
 * no `type` (an object with `properties`, say), so labels never come out
 * empty. */
function types(schema) {
  if (Array.isArray(schema.type)) return schema.type;
  if (typeof schema.type === "string") return [schema.type];
  if (schema.properties || schema.additionalProperties) return ["object"];
  if (schema.items || schema.prefixItems) return ["array"];
  const sample = Array.isArray(schema.enum) ? schema.enum.find((v) => v !== null) : schema.const;
  if (sample !== undefined && sample !== null) {
    return [typeof sample === "number" ? "number" : Array.isArray(sample) ? "array" : typeof sample];
  }
  return [];
}

/** Whether a schema's label is a union ("A | B"), which needs brackets
 * after "array of" to read right. */
function isUnionLabel(schema) {
  if (!isObject(schema) || schema.$ref) return false;
  const u = union(schema);
  if (u) return u.members.filter((m) => !isNullSchema(m)).length > 1 || u.members.some(isNullSchema);
  return types(schema).length > 1 || schema.nullable === true;
}

/** A link to the component schema a `$ref` names (the reader follows a
 * type there instead of the page unfolding it in place, which is also what
 * keeps recursive schemas finite), or the ref as text when it names no
 * component of the document. */
function refLink(ref, ctx) {
  const name = refName(ref);
  const id = name === null ? undefined : ctx.schemaIds.get(name);
  if (id) return el("a", { class: "ref", href: `#${id}` }, name);
  return el("span", { class: "ref missing", title: "not defined in the document" }, name ?? String(ref));
}

/** Appends a one-line type to `out` ("string | null", "array of Room" with
 * Room a link, "map of integer"), so a table cell says what a value is
 * without unfolding it; `depth` stops absurdly nested inline schemas. */
function appendType(out, schema, ctx, depth) {
  if (schema === false) return void out.append("nothing");
  if (!isObject(schema) || Object.keys(schema).length === 0) return void out.append("any");
  if (depth > MAX_DEPTH) return void out.append("…");
  if (typeof schema.$ref === "string") return void out.append(refLink(schema.$ref, ctx));

  const join = (members, sep) => members.forEach((member, i) => {
    if (i) out.append(sep);
    appendType(out, member, ctx, depth + 1);
  });
  const u = union(schema);
  if (u) {
    const real = u.members.filter((m) => !isNullSchema(m));
    if (real.length) join(real, " | ");
    else out.append("null");
    if (real.length && real.length < u.members.length) out.append(" | null");
    return;
  }
  if (Array.isArray(schema.allOf)) return void join(schema.allOf, " & ");

  const all = types(schema);
  const real = all.filter((t) => t !== "null");
  const nullable = all.includes("null") || schema.nullable === true;
  if (!real.length) return void out.append(nullable ? "null" : "any");
  real.forEach((t, i) => {
    if (i) out.append(" | ");
    if (t === "array") {
      const items = schema.items ?? (Array.isArray(schema.prefixItems) ? undefined : {});
      if (items === undefined) return void out.append("tuple");
      out.append("array of ");
      const bracket = isUnionLabel(items);
      if (bracket) out.append("(");
      appendType(out, items, ctx, depth + 1);
      if (bracket) out.append(")");
    } else if (t === "object" && !schema.properties && isObject(schema.additionalProperties)) {
      out.append("map of ");
      appendType(out, schema.additionalProperties, ctx, depth + 1);
    } else {
      out.append(t);
    }
  });
  if (nullable) out.append(" | null");
}

/** The type of a schema as an element, for tables and headings. */
function typeLabel(schema, ctx) {
  const out = el("span", { class: "type" });
  appendType(out, schema, ctx, 0);
  return out;
}

/** A JSON value shown short, for enum members, defaults and examples. */
function short(value) {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** The schema's limits (minLength, maximum, enum, format, default, …) as
 * chips, plus those of an inline array's items, because they are what a
 * client has to respect and are easy to miss in raw JSON; null if none. */
function constraints(schema) {
  if (!isObject(schema)) return null;
  const list = el("ul", { class: "constraints", "aria-label": "Constraints" });
  const add = (prefix, s) => {
    for (const key of CONSTRAINTS) {
      const value = s[key];
      if (value === undefined || (value === false && key !== "default" && key !== "const")) continue;
      const text = value === true && key !== "default" && key !== "const"
        ? key
        : `${key}: ${RAW_VALUES.has(key) && typeof value === "string" ? value : short(value)}`;
      list.append(el("li", {}, prefix + text));
    }
    if (Array.isArray(s.enum)) list.append(el("li", {}, `${prefix}enum: ${s.enum.map(short).join(", ")}`));
    const example = Array.isArray(s.examples) ? s.examples[0] : s.example;
    if (example !== undefined) list.append(el("li", { class: "example" }, `${prefix}example: ${short(example)}`));
  };
  add("", schema);
  if (isObject(schema.items) && !schema.items.$ref) add("items ", schema.items);
  return list.childElementCount ? list : null;
}

/** The table of an object's properties: name with a "required" mark,
 * type, and description with constraints and any inline nested object
 * unfolded beneath, one level deeper. */
function propertyTable(schema, ctx, depth) {
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const body = el("tbody");
  for (const [name, prop] of Object.entries(schema.properties)) {
    const nested = isObject(prop) && !prop.$ref ? schemaBody(prop, ctx, depth + 1) : null;
    body.append(el("tr", {},
      el("th", { scope: "row" }, el("code", {}, name),
        required.has(name) ? el("span", { class: "required" }, "required") : null),
      el("td", {}, typeLabel(prop, ctx)),
      el("td", {}, isObject(prop) ? prose(prop.description) : null, constraints(prop), nested)));
  }
  return el("div", { class: "table-wrap" }, el("table", { class: "props" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Field"), el("th", { scope: "col" }, "Type"), el("th", { scope: "col" }, "Description"))),
    body));
}

/** What an inline schema holds beyond its one-line type: the property
 * table of an object, the variants of a union, the fields of an array's
 * or a map's inline items. Refs inside stay links (see `refLink`); null
 * when there is nothing more to show. */
function schemaBody(schema, ctx, depth) {
  if (!isObject(schema) || schema.$ref || depth > MAX_DEPTH) return null;
  const box = el("div", { class: "schema-body" });
  if (isObject(schema.properties) && Object.keys(schema.properties).length) {
    box.append(propertyTable(schema, ctx, depth));
  }
  if (schema.additionalProperties === false && schema.properties) {
    box.append(el("p", { class: "muted note" }, "No other fields are accepted."));
  }
  const u = union(schema);
  const variants = u ? u.members.filter((m) => !isNullSchema(m)) : [];
  const allOf = Array.isArray(schema.allOf) ? schema.allOf : [];
  const members = variants.length ? variants : allOf;
  if (variants.length === 1 && !allOf.length) {
    // "X | null": the type line already names X; an inline X shows its fields.
    const only = schemaBody(variants[0], ctx, depth + 1);
    if (only) box.append(only);
  } else if (members.length) {
    // Listed only when some member has more to say than the type line does.
    const items = members.map((member) => {
      const own = isObject(member) && !member.$ref;
      const parts = own
        ? [member.title ? el("span", { class: "muted" }, ` ${member.title}`) : null,
          prose(member.description), constraints(member), schemaBody(member, ctx, depth + 1)]
        : [];
      return { member, parts: parts.filter(Boolean) };
    });
    if (items.some((item) => item.parts.length)) {
      const list = el("ol", { class: "variants" });
      for (const { member, parts } of items) list.append(el("li", {}, typeLabel(member, ctx), parts));
      box.append(el("p", { class: "variants-label" }, variants.length ? `${u.kind}:` : "all of:"), list);
    }
  }
  for (const [label, inner] of [["Items", schema.items], ["Values", schema.additionalProperties]]) {
    const more = isObject(inner) && !inner.$ref ? schemaBody(inner, ctx, depth + 1) : null;
    if (more) box.append(el("p", { class: "variants-label" }, `${label}:`), more);
  }
  return box.childElementCount ? box : null;
}

/** A schema drawn in full where it is used (a body, an answer): its type,
 * then, if it is a `$ref`, the named schema's description and fields
 * unfolded (so a reader need not jump to see a body's fields), or the
 * inline schema's own. Only this first ref is unfolded, `seen` guards
 * chains of refs that point at each other, and `unfolded` (one set per
 * operation) keeps the same schema, say the error body of five answers,
 * from being drawn again and again. */
function schemaBlock(schema, ctx, unfolded) {
  const box = el("div", { class: "schema-block" });
  box.append(el("p", { class: "schema-type" }, el("span", { class: "muted" }, "Schema: "), typeLabel(schema, ctx)));
  let target = schema;
  const seen = new Set();
  while (isObject(target) && typeof target.$ref === "string") {
    if (seen.has(target.$ref)) {
      box.append(el("p", { class: "muted note" }, "(these schemas only refer to each other)"));
      return box;
    }
    seen.add(target.$ref);
    if (unfolded.has(target.$ref)) {
      box.append(el("p", { class: "muted note" }, "(fields as above)"));
      return box;
    }
    unfolded.add(target.$ref);
    target = pointer(ctx.doc, target.$ref);
  }
  if (isObject(target)) {
    for (const part of [prose(target.description), constraints(target), schemaBody(target, ctx, 1)]) {
      if (part) box.append(part);
    }
  }
  return box;
}

/** The first schema of a `content` map (parameters may carry one instead
 * of `schema`). */
function firstSchema(content) {
  if (!isObject(content)) return undefined;
  const first = Object.values(content).find(isObject);
  return first?.schema;
}

/** A path with its `{parameters}` marked, so they stand out in a long list. */
function pathNode(path) {
  const code = el("code", { class: "path" });
  path.split(/(\{[^}]*\})/).forEach((part, i) => {
    if (i % 2 === 1) code.append(el("span", { class: "param" }, part));
    else if (part) code.append(part);
  });
  return code;
}

/** The table of an operation's parameters: name (required or not), where
 * it goes (path, query, header, cookie), its type and constraints, and its
 * description. */
function parameterTable(params, ctx) {
  const body = el("tbody");
  for (const p of params) {
    const schema = p.schema ?? firstSchema(p.content);
    body.append(el("tr", {},
      el("th", { scope: "row" }, el("code", {}, String(p.name ?? "?")),
        p.required ? el("span", { class: "required" }, "required") : null,
        p.deprecated ? el("span", { class: "deprecated" }, "deprecated") : null),
      el("td", {}, String(p.in ?? "")),
      el("td", {}, typeLabel(schema, ctx), constraints(schema)),
      el("td", {}, prose(p.description))));
  }
  return el("div", { class: "table-wrap" }, el("table", { class: "params" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Name"), el("th", { scope: "col" }, "In"),
      el("th", { scope: "col" }, "Type"), el("th", { scope: "col" }, "Description"))),
    body));
}

/** Each media type of a body or answer, with its schema drawn in full. */
function contentList(content, ctx, unfolded) {
  if (!isObject(content)) return [];
  return Object.entries(content).map(([media, value]) => el("div", { class: "media" },
    el("p", { class: "media-type" }, el("code", {}, media)),
    isObject(value) && value.schema !== undefined ? schemaBlock(value.schema, ctx, unfolded) : null));
}

/** The parameters of an operation merged with those of its path (the
 * operation's win on the same name and place), refs resolved: OpenAPI lets
 * both levels declare them, and a reader needs the whole list. */
function parametersOf(doc, pathItem, op) {
  const merged = new Map();
  for (const list of [pathItem.parameters, op.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const p = deref(doc, raw);
      merged.set(`${p.in}\u0000${p.name}`, p);
    }
  }
  return [...merged.values()];
}

/** One operation as a collapsible entry: method, path, summary and a
 * deprecated mark in its heading; description, tags, parameters, request
 * body and answers inside. Carries the test hooks and its filter text. */
function operationNode(entry, ctx) {
  const { method, path, op, pathItem, id } = entry;
  const upper = method.toUpperCase();
  const heading = el("h3", { class: "op-heading" },
    el("span", { class: `method method-${method}` }, upper), " ", pathNode(path),
    typeof op.summary === "string" && op.summary ? inline(el("span", { class: "op-summary" }), op.summary) : null,
    op.deprecated ? el("span", { class: "deprecated" }, "deprecated") : null);
  const body = el("div", { class: "op-body" });
  if (typeof op.operationId === "string") {
    body.append(el("p", { class: "muted op-id" }, "Operation ", el("code", {}, op.operationId), " · ",
      el("a", { href: `#${id}` }, "link")));
  }
  const description = prose(op.description);
  if (description) body.append(description);
  const tags = Array.isArray(op.tags) ? op.tags.filter((t) => typeof t === "string") : [];
  if (tags.length > 1) {
    body.append(el("p", { class: "muted" }, "Tags: ", ...tags.map((t) => el("span", { class: "chip" }, t))));
  }

  const unfolded = new Set();
  const params = parametersOf(ctx.doc, pathItem, op);
  if (params.length) body.append(el("h4", {}, "Parameters"), parameterTable(params, ctx));

  if (op.requestBody !== undefined) {
    const rb = deref(ctx.doc, op.requestBody);
    body.append(el("h4", {}, "Request body ",
      el("span", { class: rb.required ? "required" : "optional" }, rb.required ? "required" : "optional")),
    prose(rb.description) ?? "", ...contentList(rb.content, ctx, unfolded));
  }

  const responses = isObject(op.responses) ? Object.entries(op.responses) : [];
  if (responses.length) {
    const list = el("ul", { class: "responses" });
    for (const [status, raw] of responses) {
      const r = deref(ctx.doc, raw);
      const kind = /^[1-5]/.test(status) ? `status-${status[0]}xx` : "status-default";
      const headers = isObject(r.headers) ? Object.keys(r.headers) : [];
      list.append(el("li", { class: "response" },
        el("p", { class: "response-head" }, el("span", { class: `status ${kind}` }, status), " ",
          typeof r.description === "string" ? inline(el("span"), r.description) : null),
        headers.length ? el("p", { class: "muted response-headers" }, "Headers: ", ...headers.map((h) => el("code", { class: "header" }, h))) : null,
        ...contentList(r.content, ctx, unfolded)));
    }
    body.append(el("h4", {}, "Responses"), list);
  }

  return el("details", {
    class: op.deprecated ? "op is-deprecated" : "op",
    id,
    "data-testid": "docs-operation",
    "data-method": upper,
    "data-path": path,
  }, el("summary", {}, heading), body);
}

/** Every (path, method) operation of the document, in its path order. */
function operationsOf(doc) {
  const ops = [];
  for (const [path, raw] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    const pathItem = deref(doc, raw);
    for (const method of METHODS) {
      if (isObject(pathItem[method])) ops.push({ method, path, op: pathItem[method], pathItem });
    }
  }
  return ops;
}

/** Buckets operations by their first tag, groups in the order of the
 * document's `tags`, then tags it does not declare, then the untagged, so
 * each operation appears exactly once, where its authors put it first. */
function groupByTag(doc, ops) {
  const groups = new Map();
  for (const tag of Array.isArray(doc.tags) ? doc.tags : []) {
    if (isObject(tag) && typeof tag.name === "string" && !groups.has(tag.name)) {
      groups.set(tag.name, { name: tag.name, description: tag.description, ops: [] });
    }
  }
  const untagged = { name: "Other operations", untagged: true, ops: [] };
  for (const entry of ops) {
    const tag = Array.isArray(entry.op.tags) ? entry.op.tags.find((t) => typeof t === "string") : undefined;
    if (tag === undefined) {
      untagged.ops.push(entry);
      continue;
    }
    if (!groups.has(tag)) groups.set(tag, { name: tag, ops: [] });
    groups.get(tag).ops.push(entry);
  }
  return [...groups.values(), untagged].filter((g) => g.ops.length);
}

/** The lower-case text the filter searches: method, path, summary,
 * operation id and tags. */
function haystack({ method, path, op }) {
  const tags = Array.isArray(op.tags) ? op.tags.filter((t) => typeof t === "string") : [];
  return [method, path, op.summary, op.operationId, ...tags]
    .filter((s) => typeof s === "string").join("\n").toLowerCase();
}

/** Shows only the operations whose text holds every word typed (case
 * insensitive), hides tag groups (and their contents entries) left empty,
 * and says how many remain, so a reader narrows 40 endpoints to the few
 * they need. */
function applyFilter(query, groups, total) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const group of groups) {
    let inGroup = 0;
    for (const entry of group.ops) {
      const match = words.every((w) => entry.text.includes(w));
      entry.node.hidden = !match;
      if (match) inGroup++;
    }
    group.section.hidden = inGroup === 0;
    group.tocItem.hidden = inGroup === 0;
    group.countNode.textContent = `${inGroup}`;
    shown += inGroup;
  }
  document.getElementById("docs-none").hidden = shown > 0;
  document.getElementById("docs-count").textContent = words.length
    ? `${shown} of ${total} operations match.`
    : `${total} operations.`;
}

/** Opens and scrolls to the element the URL's #fragment names (an
 * operation, or a schema a link pointed at), since the page draws them
 * only after the document arrives and operations start closed. */
function revealHash() {
  let id;
  try {
    id = decodeURIComponent(location.hash.slice(1));
  } catch {
    return;
  }
  const target = id && document.getElementById(id);
  if (!target) return;
  const op = target.closest("details.op");
  if (op?.hidden) {
    const filter = document.getElementById("docs-filter");
    filter.value = "";
    filter.dispatchEvent(new Event("input"));
  }
  for (let d = target.closest("details"); d; d = d.parentElement?.closest("details")) d.open = true;
  target.scrollIntoView({ block: "start" });
}

/** Draws the whole page from the document. */
function render(doc) {
  const info = isObject(doc.info) ? doc.info : {};
  const title = typeof info.title === "string" && info.title ? info.title : "API";
  document.getElementById("docs-title").textContent = title;
  document.title = `${title} · API reference`;
  const meta = [];
  if (info.version !== undefined) meta.push(`Version ${info.version}`);
  if (doc.openapi !== undefined) meta.push(`OpenAPI ${doc.openapi}`);
  if (isObject(info.license) && typeof info.license.name === "string") meta.push(`License ${info.license.name}`);
  document.getElementById("docs-meta").textContent = meta.join(" · ");
  const description = prose(info.description);
  if (description) document.getElementById("docs-description").append(description);

  const taken = new Set(["main", "schemas", "schemas-heading", "toc-heading", "docs-title"]);
  const schemas = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  const ctx = { doc, schemaIds: new Map() };
  for (const name of Object.keys(schemas)) ctx.schemaIds.set(name, uniqueId("schema-", name, taken));

  const ops = operationsOf(doc);
  const groups = groupByTag(doc, ops);
  const opsBox = document.getElementById("docs-operations");
  const toc = document.getElementById("docs-toc");
  for (const group of groups) {
    const groupId = uniqueId("tag-", group.untagged ? "untagged" : group.name, taken);
    const headingId = uniqueId(`${groupId}-`, "heading", taken);
    group.section = el("section", { class: "group", id: groupId, "aria-labelledby": headingId },
      el("h2", { id: headingId }, group.name), prose(group.description, "prose group-description"));
    for (const entry of group.ops) {
      entry.id = uniqueId("op-", entry.op.operationId ?? `${entry.method}-${entry.path}`, taken);
      entry.node = operationNode(entry, ctx);
      entry.text = haystack(entry);
      group.section.append(entry.node);
    }
    opsBox.append(group.section);
    group.countNode = el("span", { class: "toc-count" });
    group.tocItem = el("li", {}, el("a", { href: `#${groupId}` }, group.name), " ", group.countNode);
    toc.append(group.tocItem);
  }
  if (!ops.length) opsBox.append(el("p", { class: "muted empty" }, "The document describes no operations."));

  const schemasBox = document.getElementById("docs-schemas");
  for (const [name, schema] of Object.entries(schemas)) {
    const id = ctx.schemaIds.get(name);
    schemasBox.append(el("article", { class: "schema-card", id, "data-testid": "docs-schema", "data-name": name },
      el("h3", {}, el("a", { class: "anchor", href: `#${id}` }, name), " ",
        el("span", { class: "schema-kind" }, typeLabel(schema, ctx))),
      isObject(schema) ? prose(schema.description) : null,
      constraints(schema),
      schemaBody(schema, ctx, 1)));
  }
  if (!Object.keys(schemas).length) schemasBox.append(el("p", { class: "muted empty" }, "The document defines no schemas."));
  toc.append(el("li", { class: "toc-schemas" }, el("a", { href: "#schemas" }, "Schemas"), " ",
    el("span", { class: "toc-count" }, `${Object.keys(schemas).length}`)));

  const filter = document.getElementById("docs-filter");
  const refilter = () => applyFilter(filter.value, groups, ops.length);
  filter.addEventListener("input", refilter);
  refilter();

  document.getElementById("docs-loading").hidden = true;
  document.getElementById("docs-body").hidden = false;
  window.addEventListener("hashchange", revealHash);
  if (location.hash) revealHash();
}

/** Puts a plain, visible error in place of the reference, with the link
 * to the raw document, so a failure is never just an empty page. */
function showError(error) {
  document.getElementById("docs-loading").hidden = true;
  const box = document.querySelector('[data-testid="docs-error"]');
  box.replaceChildren(
    el("p", {}, `The API description could not be loaded: ${error?.message || error}.`),
    el("p", {}, "The raw document is at ", el("a", { href: SPEC_URL }, SPEC_URL), "."));
  box.hidden = false;
}

/** Fetches the document and draws the page, or says plainly why not. */
async function main() {
  try {
    const res = await fetch(SPEC_URL, { headers: { accept: "application/json" } });
    if (!res.ok) throw new Error(`the server answered ${res.status} ${res.statusText}`.trim());
    let doc;
    try {
      doc = await res.json();
    } catch {
      throw new Error("the answer is not JSON");
    }
    if (!isObject(doc) || typeof doc.openapi !== "string" || !isObject(doc.paths ?? {})) {
      throw new Error("the answer is not an OpenAPI document");
    }
    render(doc);
  } catch (error) {
    showError(error);
  }
}

main();
