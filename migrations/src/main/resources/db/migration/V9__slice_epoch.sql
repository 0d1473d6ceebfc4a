-- Fencing: per (projection, slice) an epoch that an instance takes when it starts reading, and
-- that every group transaction checks under this row's lock before its offset can commit. A stale
-- instance (a frozen worker that wakes after its slice was started elsewhere, or one an operator's
-- rebuild or rewind moved past) then fails its commit instead of applying events twice.
-- A table of its own, so heartbeats and status queries never wait on these locks.
CREATE TABLE public.readside_slice_epoch (
  projection_name VARCHAR(255) NOT NULL,
  projection_key  VARCHAR(255) NOT NULL,
  epoch           BIGINT       NOT NULL,
  owner           TEXT         NOT NULL,
  taken_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
  PRIMARY KEY (projection_name, projection_key)
);
