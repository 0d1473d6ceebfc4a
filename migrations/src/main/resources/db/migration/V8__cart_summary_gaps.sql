-- Sequence numbers cart-summary found missing: it applies a cart's events in order, so an event
-- that arrives with a jump (seqNr 3 after 1) proves the one between was skipped by the event
-- source, e.g. a journal write that committed after the read journal's gap window. The
-- completeness audit reports these; rebuilding the cart's slice repairs them.
CREATE TABLE read_model.cart_summary_gap (
  cart_id     TEXT        NOT NULL REFERENCES read_model.cart_summary (cart_id) ON DELETE CASCADE,
  from_seq_nr BIGINT      NOT NULL,
  to_seq_nr   BIGINT      NOT NULL,
  detected_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (cart_id, from_seq_nr)
);

COMMENT ON TABLE read_model.cart_summary_gap IS 'Events of a cart that the cart-summary projection never received (a hole in its sequence numbers): its row in cart_summary misses them until the slice is rebuilt.';
COMMENT ON COLUMN read_model.cart_summary_gap.cart_id IS 'The cart with the hole.';
COMMENT ON COLUMN read_model.cart_summary_gap.from_seq_nr IS 'First missing sequence number.';
COMMENT ON COLUMN read_model.cart_summary_gap.to_seq_nr IS 'Last missing sequence number.';
COMMENT ON COLUMN read_model.cart_summary_gap.detected_at IS 'When the projection noticed the hole.';
