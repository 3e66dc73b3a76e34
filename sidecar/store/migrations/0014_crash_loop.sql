-- A group of uncaught crashes (logger "uncaught") that repeated within minutes: the process is in a
-- crash loop (a restarting container). When it was last seen looping; NULL: never.
ALTER TABLE error_investigations ADD COLUMN crash_loop_at TIMESTAMPTZ;
