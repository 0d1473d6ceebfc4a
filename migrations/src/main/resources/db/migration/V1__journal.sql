-- pekko-persistence-jdbc 1.1.1's PostgreSQL schema (schema/postgres/postgres-create-schema.sql),
-- owned by Flyway. Left out: durable_state (Readside keeps no durable state, and the library's
-- script builds its indexes CONCURRENTLY, which cannot run inside a migration transaction).

CREATE TABLE public.event_journal (
  ordering          BIGSERIAL,
  persistence_id    VARCHAR(255) NOT NULL,
  sequence_number   BIGINT       NOT NULL,
  deleted           BOOLEAN      DEFAULT FALSE NOT NULL,
  writer            VARCHAR(255) NOT NULL,
  write_timestamp   BIGINT,
  adapter_manifest  VARCHAR(255),
  event_ser_id      INTEGER      NOT NULL,
  event_ser_manifest VARCHAR(255) NOT NULL,
  event_payload     BYTEA        NOT NULL,
  meta_ser_id       INTEGER,
  meta_ser_manifest VARCHAR(255),
  meta_payload      BYTEA,
  -- The writing transaction's id, filled by default (the library's inserts leave it out). Rows
  -- below pg_snapshot_xmin(pg_current_snapshot()) can no longer be joined by a late commit, so
  -- the completeness audit can tell "not yet committed" from "skipped for ever".
  tx_id             XID8         NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (persistence_id, sequence_number)
);

CREATE UNIQUE INDEX event_journal_ordering_idx ON public.event_journal (ordering);
CREATE INDEX event_journal_tx_id_idx ON public.event_journal (tx_id);

CREATE TABLE public.event_tag (
  event_id BIGINT,
  tag      VARCHAR(256),
  PRIMARY KEY (event_id, tag),
  CONSTRAINT fk_event_journal FOREIGN KEY (event_id)
    REFERENCES public.event_journal (ordering) ON DELETE CASCADE
);

-- eventsByTag filters on tag and walks event_id upwards.
CREATE INDEX event_tag_tag_event_id_idx ON public.event_tag (tag, event_id);

CREATE TABLE public.snapshot (
  persistence_id        VARCHAR(255) NOT NULL,
  sequence_number       BIGINT       NOT NULL,
  created               BIGINT       NOT NULL,
  snapshot_ser_id       INTEGER      NOT NULL,
  snapshot_ser_manifest VARCHAR(255) NOT NULL,
  snapshot_payload      BYTEA        NOT NULL,
  meta_ser_id           INTEGER,
  meta_ser_manifest     VARCHAR(255),
  meta_payload          BYTEA,
  PRIMARY KEY (persistence_id, sequence_number)
);
