-- Blue/green rebuilds (rebuild --shadow): a projection's tables are built again here, from the
-- journal, while the read_model tables keep serving reads and stay current; one transaction then
-- replaces the live rows with the shadow's, and the shadow tables are dropped. Analysts and the
-- read API never see this schema.
CREATE SCHEMA readside_shadow;
REVOKE ALL ON SCHEMA readside_shadow FROM PUBLIC;
COMMENT ON SCHEMA readside_shadow IS 'Working tables of shadow (blue/green) rebuilds; empty between rebuilds.';

-- The last shadow rebuild of each projection: its state and progress, for status on any admin
-- node. Which node builds is decided by the slices' operation locks, not by this row.
CREATE TABLE public.readside_shadow_rebuild (
  projection_name  VARCHAR(255) PRIMARY KEY,
  state            TEXT        NOT NULL CHECK (state IN ('building', 'swapping', 'done', 'failed')),
  node             TEXT        NOT NULL,
  token_id         TEXT        NOT NULL,
  started_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at      TIMESTAMPTZ,
  events_replayed  BIGINT      NOT NULL DEFAULT 0,
  events_to_replay BIGINT      NOT NULL DEFAULT 0,
  rows_swapped     BIGINT,
  paused_millis    BIGINT,
  swap_millis      BIGINT,
  error            TEXT
);
COMMENT ON TABLE public.readside_shadow_rebuild IS 'The last shadow rebuild of each projection: state, progress, the swap''s figures or the error.';
