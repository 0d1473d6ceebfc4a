-- Stored per slice so one slice can be rebuilt alone; the view sums the slices.
CREATE TABLE read_model.daily_sales_by_slice (
  day           DATE    NOT NULL,
  slice         INTEGER NOT NULL,
  checkouts     BIGINT  NOT NULL DEFAULT 0,
  items_sold    BIGINT  NOT NULL DEFAULT 0,
  revenue_cents BIGINT  NOT NULL DEFAULT 0,
  PRIMARY KEY (day, slice)
);

COMMENT ON TABLE read_model.daily_sales_by_slice IS 'Per UTC day and journal slice: checkouts, items sold, revenue. Query read_model.daily_sales instead.';
COMMENT ON COLUMN read_model.daily_sales_by_slice.day IS 'The UTC day of the checkouts.';
COMMENT ON COLUMN read_model.daily_sales_by_slice.slice IS 'The journal slice whose carts these checkouts come from.';
COMMENT ON COLUMN read_model.daily_sales_by_slice.checkouts IS 'Number of carts checked out that day.';
COMMENT ON COLUMN read_model.daily_sales_by_slice.items_sold IS 'Total quantity of items in those checkouts.';
COMMENT ON COLUMN read_model.daily_sales_by_slice.revenue_cents IS 'Total value of those checkouts, in cents.';

CREATE VIEW read_model.daily_sales AS
SELECT day,
       sum(checkouts)::bigint     AS checkouts,
       sum(items_sold)::bigint    AS items_sold,
       sum(revenue_cents)::bigint AS revenue_cents
  FROM read_model.daily_sales_by_slice
 GROUP BY day;

COMMENT ON VIEW read_model.daily_sales IS 'Per UTC day: checkouts, items sold and revenue over all slices.';
COMMENT ON COLUMN read_model.daily_sales.day IS 'The UTC day.';
COMMENT ON COLUMN read_model.daily_sales.checkouts IS 'Number of carts checked out that day.';
COMMENT ON COLUMN read_model.daily_sales.items_sold IS 'Total quantity of items checked out that day.';
COMMENT ON COLUMN read_model.daily_sales.revenue_cents IS 'Total value checked out that day, in cents.';
