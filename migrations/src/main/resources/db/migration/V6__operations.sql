-- The worker's operational state, in the public schema next to the offsets (analysts see none of it).

-- Per (projection, slice): where its instance runs and its last error (written by the worker as
-- instances start, stop, heartbeat and fail), and a rebuild's progress target.
CREATE TABLE public.readside_projection_slice (
  projection_name   VARCHAR(255) NOT NULL,
  projection_key    VARCHAR(255) NOT NULL,
  node              TEXT,
  started_at        TIMESTAMPTZ,
  heartbeat_at      TIMESTAMPTZ,
  stopped_at        TIMESTAMPTZ,
  last_error        TEXT,
  last_error_at     TIMESTAMPTZ,
  rebuild_started_at TIMESTAMPTZ,
  rebuild_target    BIGINT,
  rebuild_events    BIGINT,
  PRIMARY KEY (projection_name, projection_key)
);

-- Every admin action: who (a token's id, never the token), what, and the offsets it moved.
CREATE TABLE public.readside_admin_audit (
  id              BIGSERIAL PRIMARY KEY,
  at              TIMESTAMPTZ NOT NULL DEFAULT now(),
  action          TEXT        NOT NULL,
  projection_name TEXT,
  arguments       JSONB       NOT NULL DEFAULT '{}'::jsonb,
  offsets_before  JSONB,
  offsets_after   JSONB,
  token_id        TEXT        NOT NULL,
  outcome         TEXT        NOT NULL
);
CREATE INDEX readside_admin_audit_at_idx ON public.readside_admin_audit (at DESC);

-- Events a projection could not apply, parked in the transaction that moved its offset past them.
-- A cart's later events park behind its first one (status 'parked', blocked_by set), so the
-- cart's order is kept while other carts flow on.
CREATE TABLE public.readside_dead_letter (
  id               BIGSERIAL PRIMARY KEY,
  projection_name  VARCHAR(255) NOT NULL,
  slice            INTEGER      NOT NULL,
  event_offset     BIGINT       NOT NULL,
  persistence_id   VARCHAR(255) NOT NULL,
  seq_nr           BIGINT       NOT NULL,
  event_type       TEXT         NOT NULL,
  event            JSONB        NOT NULL,
  error            TEXT         NOT NULL,
  blocked_by       BIGINT REFERENCES public.readside_dead_letter (id) ON DELETE SET NULL,
  status           TEXT         NOT NULL DEFAULT 'parked' CHECK (status IN ('parked', 'retried', 'discarded')),
  attempts         INTEGER      NOT NULL DEFAULT 1,
  first_failure_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
  last_failure_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  resolved_at      TIMESTAMPTZ,
  UNIQUE (projection_name, persistence_id, seq_nr)
);
CREATE INDEX readside_dead_letter_parked_idx
  ON public.readside_dead_letter (projection_name, persistence_id) WHERE status = 'parked';
