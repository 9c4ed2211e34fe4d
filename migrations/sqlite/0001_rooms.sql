-- One row per room. The room itself is stored as JSON (the domain's own
-- serde form); the columns beside it exist for lookups the store needs.
CREATE TABLE rooms (
    code          TEXT PRIMARY KEY NOT NULL,
    version       INTEGER NOT NULL,
    state         TEXT NOT NULL,
    -- The deadline of a running timer, so that a restarted server can
    -- schedule every pending time-up without reading every room.
    ends_at_ms    INTEGER,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
);

CREATE INDEX rooms_running ON rooms (ends_at_ms) WHERE ends_at_ms IS NOT NULL;
