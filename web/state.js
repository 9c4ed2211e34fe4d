// The one rule for folding stream events into a room's state, shared by the
// SharedWorker (which keeps the latest state for late tabs) and by each tab
// (which draws it): never go back to an older version.

export function emptyState() {
  return { version: -1, room: null, workspace: null, present: [] };
}

/** Applies one event; returns true if the state changed. */
export function applyEvent(state, type, data) {
  if (!data || typeof data !== "object") return false;
  if (type === "snapshot") {
    if (state.room && data.version <= state.version) return false;
    state.version = data.version;
    state.room = data.room;
    state.workspace = { ...(data.workspace || {}) };
    state.present = data.room?.present || [];
    return true;
  }
  if (type === "change") {
    if (!state.room || data.version <= state.version) return false;
    state.version = data.version;
    state.room = data.room;
    if (data.workspace) state.workspace = { ...(state.workspace || {}), ...data.workspace };
    if (data.room?.present) state.present = data.room.present;
    return true;
  }
  if (type === "presence") {
    state.present = Array.isArray(data.present) ? data.present : [];
    if (state.room) state.room = { ...state.room, present: state.present };
    return true;
  }
  return false;
}

/** Copies a state for posting between worker and tab. */
export function copyState(state) {
  return { version: state.version, room: state.room, workspace: state.workspace, present: state.present };
}
