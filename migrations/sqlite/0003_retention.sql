-- The retention job removes rooms idle the longest first.
CREATE INDEX rooms_updated ON rooms (updated_at_ms);
