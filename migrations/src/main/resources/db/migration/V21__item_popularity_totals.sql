-- GET /items/popular reads the top N items. Summing every item's per-slice rows and sorting per
-- request costs time in proportion to the number of items (40 ms at 28,000), so the totals over
-- all slices are kept current in the projection's own transaction, by triggers on the per-slice
-- table, and the top N is an index scan with LIMIT.
--
-- Triggers rather than the repository: every change of item_popularity_by_slice then keeps the
-- totals exact, whoever makes it -- the projection's upserts, a rebuild deleting one slice's rows
-- before replaying them, an operator's SQL. `readside verify` replays into temporary copies of
-- item_popularity_by_slice (CREATE TABLE ... LIKE copies no triggers), so it never touches the
-- live totals; it compares the per-slice rows, which the totals are derived from.
--
-- Lock order: the repository writes a group's items in ascending item_id (Java String order,
-- which for ids of [A-Za-z0-9._-] is byte order, COLLATE "C"), and the row trigger locks each
-- item's total right after its per-slice row, so every writer takes the totals' row locks in
-- that one order. The delete trigger locks them in the same order before it changes them, so a
-- rebuild of one slice and the other slices' instances cannot deadlock on popular items.
CREATE TABLE read_model.item_popularity_total (
  item_id              TEXT    PRIMARY KEY,
  quantity_in_carts    BIGINT  NOT NULL,
  quantity_checked_out BIGINT  NOT NULL,
  slice_rows           INTEGER NOT NULL CHECK (slice_rows > 0)
);

COMMENT ON TABLE read_model.item_popularity_total IS 'Per item, over all slices: quantities in open carts and checked out. Kept equal to the sums of read_model.item_popularity_by_slice by triggers on that table; read_model.item_popularity reads it.';
COMMENT ON COLUMN read_model.item_popularity_total.item_id IS 'The item''s id.';
COMMENT ON COLUMN read_model.item_popularity_total.quantity_in_carts IS 'Quantity currently in open carts, all slices.';
COMMENT ON COLUMN read_model.item_popularity_total.quantity_checked_out IS 'Quantity checked out, ever, all slices.';
COMMENT ON COLUMN read_model.item_popularity_total.slice_rows IS 'How many per-slice rows the item has; the row goes when the last one does.';

-- The order of GET /items/popular: the top N is the first N entries of this index.
CREATE INDEX item_popularity_total_rank_idx
    ON read_model.item_popularity_total (quantity_checked_out DESC, quantity_in_carts DESC, item_id);

-- A per-slice row inserted or changed: add it, or the change, to the item's total.
CREATE FUNCTION read_model.item_popularity_total_upsert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.item_id IS DISTINCT FROM OLD.item_id THEN
    RAISE EXCEPTION 'item_popularity_by_slice.item_id is not updated (from % to %)', OLD.item_id, NEW.item_id;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO read_model.item_popularity_total AS t (item_id, quantity_in_carts, quantity_checked_out, slice_rows)
    VALUES (NEW.item_id, NEW.quantity_in_carts, NEW.quantity_checked_out, 1)
    ON CONFLICT (item_id) DO UPDATE SET
           quantity_in_carts = t.quantity_in_carts + EXCLUDED.quantity_in_carts,
           quantity_checked_out = t.quantity_checked_out + EXCLUDED.quantity_checked_out,
           slice_rows = t.slice_rows + 1;
  ELSE
    UPDATE read_model.item_popularity_total
       SET quantity_in_carts = quantity_in_carts + (NEW.quantity_in_carts - OLD.quantity_in_carts),
           quantity_checked_out = quantity_checked_out + (NEW.quantity_checked_out - OLD.quantity_checked_out)
     WHERE item_id = NEW.item_id;
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION read_model.item_popularity_total_upsert() IS 'Trigger: adds an inserted or changed row of item_popularity_by_slice to item_popularity_total.';

-- Per-slice rows deleted (a rebuild deletes a slice's): subtract them, all at once, locking the
-- totals in item order first; an item with no per-slice row left has no total either.
CREATE FUNCTION read_model.item_popularity_total_subtract() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM read_model.item_popularity_total
    WHERE item_id IN (SELECT item_id FROM removed)
    ORDER BY item_id COLLATE "C"
    FOR UPDATE;
  -- Items whose every per-slice row goes first; then what is left of the others.
  DELETE FROM read_model.item_popularity_total t
   USING (SELECT item_id, count(*) AS slice_rows FROM removed GROUP BY item_id) r
   WHERE t.item_id = r.item_id AND t.slice_rows = r.slice_rows;
  UPDATE read_model.item_popularity_total t
     SET quantity_in_carts = t.quantity_in_carts - r.quantity_in_carts,
         quantity_checked_out = t.quantity_checked_out - r.quantity_checked_out,
         slice_rows = t.slice_rows - r.slice_rows
    FROM (SELECT item_id, sum(quantity_in_carts) AS quantity_in_carts,
                 sum(quantity_checked_out) AS quantity_checked_out, count(*) AS slice_rows
            FROM removed GROUP BY item_id) r
   WHERE t.item_id = r.item_id AND t.slice_rows > r.slice_rows;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION read_model.item_popularity_total_subtract() IS 'Trigger: subtracts deleted rows of item_popularity_by_slice from item_popularity_total.';

CREATE FUNCTION read_model.item_popularity_total_clear() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM read_model.item_popularity_total;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION read_model.item_popularity_total_clear() IS 'Trigger: item_popularity_by_slice truncated, so no item has a total.';

CREATE TRIGGER item_popularity_total_upsert
  AFTER INSERT OR UPDATE ON read_model.item_popularity_by_slice
  FOR EACH ROW
  EXECUTE FUNCTION read_model.item_popularity_total_upsert();

CREATE TRIGGER item_popularity_total_subtract
  AFTER DELETE ON read_model.item_popularity_by_slice
  REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT
  EXECUTE FUNCTION read_model.item_popularity_total_subtract();

CREATE TRIGGER item_popularity_total_clear
  AFTER TRUNCATE ON read_model.item_popularity_by_slice
  FOR EACH STATEMENT
  EXECUTE FUNCTION read_model.item_popularity_total_clear();

-- The rows there are now.
INSERT INTO read_model.item_popularity_total (item_id, quantity_in_carts, quantity_checked_out, slice_rows)
SELECT item_id, sum(quantity_in_carts), sum(quantity_checked_out), count(*)
  FROM read_model.item_popularity_by_slice
 GROUP BY item_id;

-- Same columns, same meaning; now a read of the totals instead of a sum per query. The analysts'
-- views over it (top_items) follow.
CREATE OR REPLACE VIEW read_model.item_popularity AS
SELECT item_id, quantity_in_carts, quantity_checked_out
  FROM read_model.item_popularity_total;

GRANT SELECT ON read_model.item_popularity_total TO analyst;
