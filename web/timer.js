// The countdown: drawn locally from the server's deadline (never from
// ticks), so every screen shows the same second. While running,
// remaining = ends_at_ms - (Date.now() + offset); otherwise remaining_ms.
// Redraws on animation frames for the ring and on a timeout aligned to the
// next whole second for the text and the tab title (which keeps working in
// background tabs, where animation frames stop).
//
// Duration editing (PUT /plan, refused while running): a one-phase plan gets
// its phase set; in a longer plan every phase with the current phase's label
// changes (so editing during a Round changes all Rounds, during a Break the
// Break). The server then puts the timer idle at the first phase.

import { api } from "./api.js";
import { hostKey } from "./storage.js";
import { h, setText } from "./dom.js";
import { phaseName, t } from "./i18n.js";
import {
  chime, isMuted, setMuted, unlock, askNotify, notifyPermission, onNotifyPermissionChange,
} from "./sound.js";

const RING_R = 52;
const RING_LEN = 2 * Math.PI * RING_R;
const SVG = "http://www.w3.org/2000/svg";

/** "mm:ss", or "h:mm:ss" above an hour, for a remaining time in ms (rounded up). */
export function formatTime(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n) => String(n).padStart(2, "0");
  if (total > 3600) return `${hours}:${pad(minutes)}:${pad(seconds)}`;
  return `${pad(Math.floor(total / 60))}:${pad(seconds)}`;
}

/** Remaining ms of a room's timer at the server time `serverNow`. */
export function remainingMs(timer, serverNow) {
  if (timer.state === "running" && typeof timer.ends_at_ms === "number") {
    return Math.max(0, timer.ends_at_ms - serverNow);
  }
  return timer.remaining_ms;
}

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

export function mountTimer(root, ctx) {
  const phaseName_ = h("span", { "data-testid": "phase-label" });
  const phaseStep = h("span", { class: "phase-step" });
  const phase = h("p", { class: "phase" }, phaseName_, phaseStep);
  const display = h("div", { class: "time", "data-testid": "timer-display", role: "timer", "aria-atomic": "true" });
  const track = svg("circle", { cx: 60, cy: 60, r: RING_R, class: "ring-track" });
  const bar = svg("circle", {
    cx: 60, cy: 60, r: RING_R, class: "ring-bar",
    "stroke-dasharray": RING_LEN.toFixed(2), "stroke-dashoffset": "0", transform: "rotate(-90 60 60)",
  });
  const ring = svg("svg", { viewBox: "0 0 120 120", class: "ring", "aria-hidden": "true", focusable: "false" });
  ring.append(track, bar);
  const face = h("div", { class: "face" }, ring, h("div", { class: "face-text" }, phase, display));

  const startBtn = h("button", { type: "button", class: "btn primary big", "data-testid": "timer-start" });
  const pauseBtn = h("button", { type: "button", class: "btn primary big", "data-testid": "timer-pause", hidden: true });
  const resetBtn = h("button", { type: "button", class: "btn big", "data-testid": "timer-reset" });
  const controls = h("div", { class: "controls" }, startBtn, pauseBtn, resetBtn);

  const durLabel = h("label", { for: "duration-input" });
  const durInput = h("input", {
    id: "duration-input", type: "number", min: "1", max: "1440", step: "any", inputmode: "decimal",
    "data-testid": "duration-input", class: "input narrow",
  });
  const durSave = h("button", { type: "submit", class: "btn", "data-testid": "duration-save" });
  const durHint = h("p", { class: "hint", id: "duration-hint" });
  durInput.setAttribute("aria-describedby", "duration-hint");
  const durForm = h("form", { class: "duration" }, durLabel, h("div", { class: "row" }, durInput, durSave), durHint);

  const roundsLabel = h("span", { class: "muted" });
  const rounds = h("strong", { "data-testid": "completed-rounds" });
  const roundsBox = h("p", { class: "rounds" }, roundsLabel, " ", rounds);

  const soundTest = h("button", { type: "button", class: "btn small ghost", "data-testid": "sound-test" });
  const soundMute = h("button", { type: "button", class: "btn small ghost", "data-testid": "sound-mute" });
  const notifyBtn = h("button", { type: "button", class: "btn small ghost", "data-testid": "notify-enable" });
  const alarms = h("div", { class: "alarms" }, soundTest, soundMute, notifyBtn);

  const watchNote = h("p", { class: "hint watch-note", "data-testid": "watch-note", hidden: true });

  root.append(face, controls, watchNote, roundsBox, durForm, alarms);

  let room = null;
  let shownText = "";
  let raf = 0;
  let timeout = 0;
  let durDirty = false;
  let lastPlanKey = "";

  const serverNow = () => Date.now() + ctx.offset();

  function draw() {
    if (!room) return;
    const timer = room.timer;
    const rem = remainingMs(timer, serverNow());
    // the exact time this frame draws, so that screens can be compared to the millisecond
    display.dataset.remainingMs = String(Math.round(rem));
    const text = formatTime(rem);
    if (text !== shownText) {
      shownText = text;
      setText(display, text);
      display.classList.toggle("long", text.length > 5);
      document.title = timer.state === "running" ? `${text} · pairroom` : ctx.idleTitle();
    }
    const frac = timer.phase_duration_ms > 0 ? Math.min(1, Math.max(0, rem / timer.phase_duration_ms)) : 0;
    bar.setAttribute("stroke-dashoffset", (RING_LEN * (1 - frac)).toFixed(2));
    return rem;
  }

  function loop() {
    cancelAnimationFrame(raf);
    clearTimeout(timeout);
    const rem = draw();
    if (!room || room.timer.state !== "running") return;
    if (!document.hidden) raf = requestAnimationFrame(loop);
    // the next whole second of the deadline, for the text and title in hidden tabs
    const next = rem > 0 ? ((rem - 1) % 1000) + 15 : 1000;
    timeout = setTimeout(loop, next);
  }
  document.addEventListener("visibilitychange", loop);

  function renderLabels() {
    setText(startBtn, t("start"));
    setText(pauseBtn, t("pause"));
    setText(resetBtn, t("reset"));
    setText(watchNote, t("watching"));
    setText(durLabel, t("durationLabel"));
    setText(durSave, t("durationSave"));
    setText(durHint, t("durationHint"));
    setText(roundsLabel, t("completedRounds"));
    setText(soundTest, t("soundTest"));
    setText(soundMute, t("soundMute"));
    soundMute.setAttribute("aria-pressed", String(isMuted()));
    const perm = notifyPermission();
    const notifyText = {
      granted: "notifyOn", denied: "notifyDenied", unsupported: "notifyUnsupported",
    }[perm] || "notifyEnable";
    setText(notifyBtn, t(notifyText));
    notifyBtn.setAttribute("aria-pressed", String(perm === "granted"));
    notifyBtn.disabled = perm === "denied" || perm === "unsupported";
  }

  function render(next) {
    room = next;
    const timer = room.timer;
    const running = timer.state === "running";
    const phases = timer.plan?.phases || [];
    const label = phaseName(timer.phase_label);
    setText(phaseName_, label);
    setText(phaseStep, phases.length > 1 ? t("phaseStep", { n: timer.phase_index + 1, total: phases.length }) : "");
    // keep keyboard focus on the visible twin when start/pause swap places
    const focusSwap = (running && document.activeElement === startBtn) || (!running && document.activeElement === pauseBtn);
    // A locked room without its host key here: watch only.
    const watching = !!room.locked && !hostKey(ctx.code);
    watchNote.hidden = !watching;
    startBtn.hidden = running;
    pauseBtn.hidden = !running;
    pauseBtn.disabled = !running || watching;
    startBtn.disabled = running || watching;
    resetBtn.disabled = watching;
    if (focusSwap) (running ? pauseBtn : startBtn).focus();
    durInput.disabled = running || watching;
    durSave.disabled = running || watching;
    face.classList.toggle("running", running);
    face.classList.toggle("paused", timer.state === "paused");
    setText(rounds, String(timer.completed_rounds));
    const planKey = JSON.stringify([timer.plan, timer.phase_index]);
    if (planKey !== lastPlanKey || (!durDirty && document.activeElement !== durInput)) {
      lastPlanKey = planKey;
      durDirty = false;
      durInput.value = String(+(timer.phase_duration_ms / 60000).toFixed(2));
    }
    shownText = "";
    renderLabels();
    loop();
  }

  const act = (fn) => {
    unlock();
    ctx.act(fn, { quiet409: true });
  };
  startBtn.addEventListener("click", () => act(() => api.start(ctx.code)));
  pauseBtn.addEventListener("click", () => act(() => api.pause(ctx.code)));
  resetBtn.addEventListener("click", () => act(() => api.reset(ctx.code)));
  durInput.addEventListener("input", () => {
    durDirty = true;
  });
  durForm.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!room) return;
    const minutes = Number(durInput.value);
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 1440) {
      ctx.error(t("errMinutes"));
      return;
    }
    const ms = Math.max(1000, Math.round(minutes * 60000));
    const timer = room.timer;
    const current = timer.plan.phases[timer.phase_index];
    const phases = timer.plan.phases.map((p) =>
      timer.plan.phases.length === 1 || p.label === current.label ? { ...p, duration_ms: ms } : p);
    durDirty = false;
    ctx.act(() => api.setPlan(ctx.code, { phases, auto_advance: !!timer.plan.auto_advance }));
  });
  soundTest.addEventListener("click", () => chime(true));
  soundMute.addEventListener("click", () => {
    setMuted(!isMuted());
    renderLabels();
  });
  notifyBtn.addEventListener("click", async () => {
    unlock();
    await askNotify();
    renderLabels();
  });
  onNotifyPermissionChange(() => renderLabels());

  return {
    render,
    redraw: () => {
      shownText = "";
      loop();
    },
    labels: renderLabels,
    toggle() {
      if (!room) return;
      (room.timer.state === "running" ? pauseBtn : startBtn).click();
    },
  };
}
