// Everything this browser remembers in localStorage: language, mute, the
// name chosen per room, and the list of recent rooms. Wrapped so that a
// browser with storage disabled (private mode, quota) still works.

const PREFIX = "pairroom.";

export function load(key, fallback) {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback;
  }
}

export function save(key, value) {
  try {
    if (value === undefined) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // storage unavailable: keep working without memory
  }
}

/** Recent rooms, newest first: [{code, names, at}]. */
export function recentRooms() {
  const list = load("recent", []);
  return Array.isArray(list) ? list.filter((r) => r && typeof r.code === "string") : [];
}

export function rememberRoom(code, names) {
  const list = recentRooms().filter((r) => r.code !== code);
  list.unshift({ code, names: names || [], at: Date.now() });
  save("recent", list.slice(0, 20));
}

export function forgetRoom(code) {
  save("recent", recentRooms().filter((r) => r.code !== code));
}

export function roomName(code) {
  return load("name." + code, null);
}

export function setRoomName(code, name) {
  save("name." + code, name);
}

/** The host key of a locked room this browser created, if any. */
export function hostKey(code) {
  return load("host." + code, null);
}

export function setHostKey(code, key) {
  save("host." + code, key);
}
