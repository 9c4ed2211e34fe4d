-- Every timer command rewrites its room's row, and nearly every one moves
-- the deadline and the time of the last change. An index on either column
-- made each such commit write one or two more pages (and their WAL frames)
-- than the row itself. The two lookups these indexes served run rarely (the
-- deadlines at start, the idle rooms once per retention interval) and now
-- scan the table instead; PostgreSQL keeps its indexes.
DROP INDEX rooms_running;
DROP INDEX rooms_updated;
