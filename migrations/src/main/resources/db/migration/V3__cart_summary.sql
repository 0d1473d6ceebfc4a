CREATE SCHEMA read_model;
COMMENT ON SCHEMA read_model IS 'Query tables built by Readside projections from the cart journal. Read-only for analysts.';

CREATE TABLE read_model.cart_summary (
  cart_id         TEXT        PRIMARY KEY,
  slice           INTEGER     NOT NULL,
  status          TEXT        NOT NULL CHECK (status IN ('open', 'checked_out')),
  line_count      INTEGER     NOT NULL DEFAULT 0,
  total_quantity  INTEGER     NOT NULL DEFAULT 0,
  total_cents     BIGINT      NOT NULL DEFAULT 0,
  last_seq_nr     BIGINT      NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL,
  updated_at      TIMESTAMPTZ NOT NULL,
  checked_out_at  TIMESTAMPTZ
);

COMMENT ON TABLE read_model.cart_summary IS 'One row per shopping cart, as of the last event the cart-summary projection applied.';
COMMENT ON COLUMN read_model.cart_summary.cart_id IS 'The cart''s id, as clients chose it.';
COMMENT ON COLUMN read_model.cart_summary.slice IS 'The journal slice (tag carts-<slice>) this cart''s events are in.';
COMMENT ON COLUMN read_model.cart_summary.status IS 'open, or checked_out once the cart was checked out (final).';
COMMENT ON COLUMN read_model.cart_summary.line_count IS 'Number of distinct items in the cart.';
COMMENT ON COLUMN read_model.cart_summary.total_quantity IS 'Sum of the quantities of all lines.';
COMMENT ON COLUMN read_model.cart_summary.total_cents IS 'Sum of quantity x unit price over all lines, in cents.';
COMMENT ON COLUMN read_model.cart_summary.last_seq_nr IS 'Sequence number of the cart''s last applied event; a replayed event at or below it changes nothing.';
COMMENT ON COLUMN read_model.cart_summary.created_at IS 'When the cart''s first event happened (UTC).';
COMMENT ON COLUMN read_model.cart_summary.updated_at IS 'When the cart''s last applied event happened (UTC).';
COMMENT ON COLUMN read_model.cart_summary.checked_out_at IS 'When the cart was checked out (UTC); null while open.';

CREATE INDEX cart_summary_status_cart_id_idx ON read_model.cart_summary (status, cart_id);
CREATE INDEX cart_summary_slice_idx ON read_model.cart_summary (slice);

CREATE TABLE read_model.cart_line (
  cart_id          TEXT    NOT NULL REFERENCES read_model.cart_summary (cart_id) ON DELETE CASCADE,
  item_id          TEXT    NOT NULL,
  quantity         INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_cents BIGINT  NOT NULL CHECK (unit_price_cents >= 0),
  PRIMARY KEY (cart_id, item_id)
);

COMMENT ON TABLE read_model.cart_line IS 'One row per item in a cart (open or checked out), maintained by the cart-summary projection.';
COMMENT ON COLUMN read_model.cart_line.cart_id IS 'The cart the line belongs to.';
COMMENT ON COLUMN read_model.cart_line.item_id IS 'The item''s id.';
COMMENT ON COLUMN read_model.cart_line.quantity IS 'How many of the item are in the cart.';
COMMENT ON COLUMN read_model.cart_line.unit_price_cents IS 'Unit price in cents when the item was added.';
