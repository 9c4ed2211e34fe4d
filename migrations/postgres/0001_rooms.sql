-- The same shape as the SQLite schema (migrations/sqlite), in one step.
-- One row per room. The room and its workspace are stored as the domain's
-- own serde JSON, as TEXT: byte for byte what SQLite keeps, read back only
-- whole, so JSONB's parsing on every write would buy nothing.
CREATE TABLE rooms (
    code          TEXT PRIMARY KEY,
    -- Compare-and-set: every update names the version it read.
    version       BIGINT NOT NULL,
    state         TEXT NOT NULL,
    -- Todos, categories, links and retrospect, written only when they
    -- change, so timer commands do not rewrite long lists.
    workspace     TEXT NOT NULL DEFAULT '{}',
    -- The deadline of a running timer, so that a restarted server can
    -- schedule every pending time-up without reading every room.
    ends_at_ms    BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE INDEX rooms_running ON rooms (ends_at_ms) WHERE ends_at_ms IS NOT NULL;

-- Which room a todo belongs to, for the original API's unscoped
-- /todos/{id} routes. Ids are random below 2^53.
CREATE TABLE todo_rooms (
    todo_id BIGINT PRIMARY KEY,
    code    TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE
);

CREATE INDEX todo_rooms_code ON todo_rooms (code);
