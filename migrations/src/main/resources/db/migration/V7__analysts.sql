-- Analysts: a group role that can read the read model and nothing else. Logins are created in
-- it (docs/ANALYSTS.md). Roles belong to the whole server, so create it only once.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'analyst') THEN
    CREATE ROLE analyst NOLOGIN;
  END IF;
END
$$;

REVOKE ALL ON SCHEMA read_model FROM PUBLIC;
GRANT USAGE ON SCHEMA read_model TO analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA read_model TO analyst;
ALTER DEFAULT PRIVILEGES IN SCHEMA read_model GRANT SELECT ON TABLES TO analyst;

-- How fresh an answer is: per projection and slice, the applied offset, the journal's head for
-- the slice's tag, the events not yet applied and the age of the oldest of them. A view runs with
-- its owner's rights, so analysts see these figures without access to the journal or offsets.
CREATE VIEW read_model.projection_status AS
SELECT o.projection_name,
       split_part(o.projection_key, '-', 2)::int                 AS slice,
       o.current_offset::bigint                                  AS applied_offset,
       COALESCE(head.head, 0)                                    AS journal_head,
       COALESCE(lag.events, 0)                                   AS lag_events,
       COALESCE(EXTRACT(EPOCH FROM now() - to_timestamp(lag.oldest / 1000.0)), 0)::numeric(12, 3) AS lag_seconds,
       to_timestamp(o.last_updated / 1000.0)                     AS offset_updated_at,
       now()                                                     AS as_of
  FROM public.pekko_projection_offset_store o
  LEFT JOIN LATERAL (SELECT max(t.event_id) AS head FROM public.event_tag t WHERE t.tag = o.projection_key) head ON true
  LEFT JOIN LATERAL (SELECT count(*) AS events, min(j.write_timestamp) AS oldest
                       FROM public.event_tag t JOIN public.event_journal j ON j.ordering = t.event_id
                      WHERE t.tag = o.projection_key AND t.event_id > o.current_offset::bigint) lag ON true
 WHERE o.manifest = 'SEQ';

COMMENT ON VIEW read_model.projection_status IS 'How fresh each projection is, per slice: applied offset, journal head, events not yet applied and the age of the oldest, as of now.';
COMMENT ON COLUMN read_model.projection_status.projection_name IS 'The projection (cart-summary, item-popularity, daily-sales).';
COMMENT ON COLUMN read_model.projection_status.slice IS 'The journal slice (tag carts-<slice>).';
COMMENT ON COLUMN read_model.projection_status.applied_offset IS 'Journal ordering up to which this slice has been applied.';
COMMENT ON COLUMN read_model.projection_status.journal_head IS 'Highest journal ordering in this slice.';
COMMENT ON COLUMN read_model.projection_status.lag_events IS 'Events of this slice not yet applied.';
COMMENT ON COLUMN read_model.projection_status.lag_seconds IS 'Age in seconds of the oldest event not yet applied; 0 when caught up.';
COMMENT ON COLUMN read_model.projection_status.offset_updated_at IS 'When the projection last saved its offset for this slice.';
COMMENT ON COLUMN read_model.projection_status.as_of IS 'When these figures were computed (now).';

CREATE VIEW read_model.cart_status_counts AS
SELECT status, count(*) AS carts, sum(total_quantity)::bigint AS items, sum(total_cents)::bigint AS value_cents
  FROM read_model.cart_summary
 GROUP BY status;

COMMENT ON VIEW read_model.cart_status_counts IS 'Open versus checked-out carts: how many, how many items, what value.';
COMMENT ON COLUMN read_model.cart_status_counts.status IS 'open or checked_out.';
COMMENT ON COLUMN read_model.cart_status_counts.carts IS 'Number of carts with this status.';
COMMENT ON COLUMN read_model.cart_status_counts.items IS 'Total quantity of items in those carts.';
COMMENT ON COLUMN read_model.cart_status_counts.value_cents IS 'Total value of those carts, in cents.';

CREATE VIEW read_model.top_items AS
SELECT item_id, quantity_checked_out, quantity_in_carts,
       rank() OVER (ORDER BY quantity_checked_out DESC) AS sales_rank
  FROM read_model.item_popularity;

COMMENT ON VIEW read_model.top_items IS 'Items ranked by quantity checked out (rank 1 sells most).';
COMMENT ON COLUMN read_model.top_items.item_id IS 'The item''s id.';
COMMENT ON COLUMN read_model.top_items.quantity_checked_out IS 'Quantity checked out, ever.';
COMMENT ON COLUMN read_model.top_items.quantity_in_carts IS 'Quantity currently in open carts.';
COMMENT ON COLUMN read_model.top_items.sales_rank IS 'Rank by quantity checked out; ties share a rank.';

CREATE VIEW read_model.daily_revenue AS
SELECT day, checkouts, revenue_cents,
       round(revenue_cents / 100.0, 2) AS revenue,
       CASE WHEN checkouts = 0 THEN 0 ELSE round(revenue_cents / 100.0 / checkouts, 2) END AS average_order,
       sum(revenue_cents) OVER (ORDER BY day)::bigint AS cumulative_revenue_cents
  FROM read_model.daily_sales;

COMMENT ON VIEW read_model.daily_revenue IS 'Revenue per UTC day, with average order value and a running total.';
COMMENT ON COLUMN read_model.daily_revenue.day IS 'The UTC day.';
COMMENT ON COLUMN read_model.daily_revenue.checkouts IS 'Carts checked out that day.';
COMMENT ON COLUMN read_model.daily_revenue.revenue_cents IS 'Revenue that day, in cents.';
COMMENT ON COLUMN read_model.daily_revenue.revenue IS 'Revenue that day, in currency units (cents / 100).';
COMMENT ON COLUMN read_model.daily_revenue.average_order IS 'Average value of a checkout that day, in currency units.';
COMMENT ON COLUMN read_model.daily_revenue.cumulative_revenue_cents IS 'Revenue of this day and all before it, in cents.';

CREATE VIEW read_model.abandoned_carts AS
SELECT cart_id, line_count, total_quantity, total_cents, created_at, updated_at,
       (EXTRACT(EPOCH FROM now() - updated_at) / 86400)::numeric(10, 2) AS idle_days
  FROM read_model.cart_summary
 WHERE status = 'open';

COMMENT ON VIEW read_model.abandoned_carts IS 'Open carts with how long since they last changed; filter on idle_days for carts abandoned longer than N days.';
COMMENT ON COLUMN read_model.abandoned_carts.cart_id IS 'The cart''s id.';
COMMENT ON COLUMN read_model.abandoned_carts.line_count IS 'Number of distinct items in the cart.';
COMMENT ON COLUMN read_model.abandoned_carts.total_quantity IS 'Sum of the quantities of all lines.';
COMMENT ON COLUMN read_model.abandoned_carts.total_cents IS 'Value of the cart, in cents.';
COMMENT ON COLUMN read_model.abandoned_carts.created_at IS 'When the cart''s first event happened.';
COMMENT ON COLUMN read_model.abandoned_carts.updated_at IS 'When the cart last changed.';
COMMENT ON COLUMN read_model.abandoned_carts.idle_days IS 'Days since the cart last changed.';

-- Views created after the default privileges above are covered by them; these make it explicit.
GRANT SELECT ON read_model.projection_status, read_model.cart_status_counts, read_model.top_items,
                read_model.daily_revenue, read_model.abandoned_carts TO analyst;
