-- Filters of the initiative list that a page and its total count use: an
-- index-only scan instead of a pass over every initiative.
CREATE INDEX initiatives_status_idx ON initiatives (status, id);
CREATE INDEX initiatives_progress_idx ON initiatives (effective_progress, id);
