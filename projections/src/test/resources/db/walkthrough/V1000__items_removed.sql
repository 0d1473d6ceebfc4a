-- The README's worked example of adding a projection (test sources only). Per slice, so one
-- slice can be rebuilt alone: delete its rows, reset its offset, replay.
CREATE TABLE read_model.items_removed_by_slice (
  item_id          TEXT    NOT NULL,
  slice            INTEGER NOT NULL,
  removals         BIGINT  NOT NULL DEFAULT 0,
  quantity_removed BIGINT  NOT NULL DEFAULT 0,
  PRIMARY KEY (item_id, slice)
);

COMMENT ON TABLE read_model.items_removed_by_slice IS 'Per item and journal slice: how often the item was taken out of a cart, and how much.';
COMMENT ON COLUMN read_model.items_removed_by_slice.item_id IS 'The item''s id.';
COMMENT ON COLUMN read_model.items_removed_by_slice.slice IS 'The journal slice whose carts these removals come from.';
COMMENT ON COLUMN read_model.items_removed_by_slice.removals IS 'How many times the item was removed from a cart of this slice.';
COMMENT ON COLUMN read_model.items_removed_by_slice.quantity_removed IS 'The quantity those removals took out.';
