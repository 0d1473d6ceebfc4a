-- Stored per slice so one slice can be rebuilt (delete its rows, reset its offset) without
-- touching the others; the view sums the slices.
CREATE TABLE read_model.item_popularity_by_slice (
  item_id              TEXT    NOT NULL,
  slice                INTEGER NOT NULL,
  quantity_in_carts    BIGINT  NOT NULL DEFAULT 0,
  quantity_checked_out BIGINT  NOT NULL DEFAULT 0,
  PRIMARY KEY (item_id, slice)
);

COMMENT ON TABLE read_model.item_popularity_by_slice IS 'Per item and journal slice: quantities in open carts and checked out. Query read_model.item_popularity instead.';
COMMENT ON COLUMN read_model.item_popularity_by_slice.item_id IS 'The item''s id.';
COMMENT ON COLUMN read_model.item_popularity_by_slice.slice IS 'The journal slice whose carts these quantities come from.';
COMMENT ON COLUMN read_model.item_popularity_by_slice.quantity_in_carts IS 'Quantity of the item currently in open carts of this slice.';
COMMENT ON COLUMN read_model.item_popularity_by_slice.quantity_checked_out IS 'Quantity of the item checked out in carts of this slice, ever.';

CREATE VIEW read_model.item_popularity AS
SELECT item_id,
       sum(quantity_in_carts)::bigint    AS quantity_in_carts,
       sum(quantity_checked_out)::bigint AS quantity_checked_out
  FROM read_model.item_popularity_by_slice
 GROUP BY item_id;

COMMENT ON VIEW read_model.item_popularity IS 'Per item: quantity in open carts now and quantity checked out ever, over all slices.';
COMMENT ON COLUMN read_model.item_popularity.item_id IS 'The item''s id.';
COMMENT ON COLUMN read_model.item_popularity.quantity_in_carts IS 'Quantity currently in open carts.';
COMMENT ON COLUMN read_model.item_popularity.quantity_checked_out IS 'Quantity checked out, ever.';
