// The time-up alarm: a short chime made with WebAudio (no audio files), a
// remembered mute switch, and desktop notifications whose permission is
// only ever asked from a click. Browsers keep audio locked until a user
// gesture, so unlock() is called from every button press in the room.

import { load, save } from "./storage.js";

let ctx = null;
let muted = load("mute", false) === true;

/** Creates/resumes the AudioContext; call from a user gesture. */
export function unlock() {
  const AC = window.AudioContext || window.webkitAudioContext;
  if (!AC) return null;
  if (!ctx) ctx = new AC();
  if (ctx.state === "suspended") ctx.resume().catch(() => {});
  return ctx;
}

export function isMuted() {
  return muted;
}

export function setMuted(value) {
  muted = !!value;
  save("mute", muted);
}

/** Plays three soft rising notes (about 0.9 s), unless muted (or `force`). */
export function chime(force = false) {
  if (muted && !force) return;
  const ac = unlock();
  if (!ac) return;
  const now = ac.currentTime + 0.02;
  [659.25, 783.99, 1046.5].forEach((freq, i) => {
    const at = now + i * 0.18;
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.35, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.5);
    osc.connect(gain).connect(ac.destination);
    osc.start(at);
    osc.stop(at + 0.55);
  });
}

export function notifySupported() {
  return "Notification" in window;
}

export function notifyPermission() {
  return notifySupported() ? Notification.permission : "unsupported";
}

/** Calls `fn` whenever the permission changes outside our button (the browser's
 * site settings, or a prompt answered after the button's request resolved). */
export function onNotifyPermissionChange(fn) {
  if (!notifySupported() || !navigator.permissions?.query) return;
  navigator.permissions.query({ name: "notifications" }).then((status) => {
    status.addEventListener("change", () => fn(notifyPermission()));
  }).catch(() => {
    // no Permissions API for notifications here: the button's own request still updates it
  });
}

/** Asks for permission (from a click only). Resolves to the permission. */
export async function askNotify() {
  if (!notifySupported()) return "unsupported";
  if (Notification.permission !== "default") return Notification.permission;
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** Shows a notification if allowed; `tag` keeps duplicates from piling up. */
export function notify(title, body, tag) {
  if (notifyPermission() !== "granted") return;
  try {
    const n = new Notification(title, { body, tag, renotify: false });
    n.addEventListener("click", () => {
      window.focus();
      n.close();
    });
  } catch {
    // some mobile browsers only allow notifications from a service worker
  }
}
