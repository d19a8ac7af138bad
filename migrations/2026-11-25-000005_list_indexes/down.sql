DROP INDEX initiatives_progress_idx;
DROP INDEX initiatives_status_idx;
