-- The workspace (todos, categories, links, retrospect) as JSON, written only
-- when it changes, so timer commands do not rewrite long lists.
ALTER TABLE rooms ADD COLUMN workspace TEXT NOT NULL DEFAULT '{}';

-- Which room a todo belongs to, for the original API's unscoped
-- /todos/{id} routes. Ids are random below 2^53.
CREATE TABLE todo_rooms (
    todo_id INTEGER PRIMARY KEY NOT NULL,
    code    TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE
);

CREATE INDEX todo_rooms_code ON todo_rooms (code);
