-- Events the event source skipped (a journal write that committed after the read journal's gap
-- window), as the completeness audit and cart-summary proved them: a skip is a fact about the
-- slice's event stream, so every projection that moved past the event's journal position misses
-- it. Kept here, outside any projection's tables, so that rebuilding one projection does not erase
-- the evidence the others still need.
CREATE TABLE public.readside_skipped_event (
  persistence_id   VARCHAR(255) NOT NULL,
  seq_nr           BIGINT       NOT NULL,
  slice            INTEGER      NOT NULL,
  journal_ordering BIGINT,
  how              TEXT         NOT NULL CHECK (how IN ('hole', 'behind-offset')),
  detected_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
  PRIMARY KEY (persistence_id, seq_nr)
);

-- A projection's slice rebuilt after the skip was found: it replays the journal as it now is, the
-- skipped event included, so that projection no longer misses it.
CREATE TABLE public.readside_skip_repaired (
  projection_name VARCHAR(255) NOT NULL,
  persistence_id  VARCHAR(255) NOT NULL,
  seq_nr          BIGINT       NOT NULL,
  repaired_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
  PRIMARY KEY (projection_name, persistence_id, seq_nr)
);
