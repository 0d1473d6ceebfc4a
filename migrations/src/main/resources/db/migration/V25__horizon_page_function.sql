-- A horizon page in one statement (issue 13). The page query must use the (tag, tx_id, event_id)
-- index in order and stop after LIMIT rows whatever the statistics say: right after a bulk of
-- writes autovacuum has not analyzed, the planner would otherwise pick a bitmap scan that fetches
-- and sorts every row of the slice past the offset (O(n) a page). The worker used to say so with
-- SET LOCAL in a transaction of its own: BEGIN + SET, the SELECT, COMMIT, three round trips on
-- every wake of every instance. A function's SET clauses apply while it runs only, so the page is
-- one autocommit call, and it is still read-only and takes no transaction id (it holds no horizon
-- back). PL/pgSQL, not SQL: it keeps the query's plan from call to call (a SQL function that is
-- not inlined plans it on every call, which made the lag bench's p50 and p99 worse, 2 runs each).
CREATE FUNCTION public.readside_horizon_page(p_tag text, p_after_tx xid8, p_after_event bigint, p_limit integer)
  RETURNS TABLE (tx_id text, event_id bigint, persistence_id varchar, sequence_number bigint,
                 event_ser_id integer, event_ser_manifest varchar, event_payload bytea, write_timestamp bigint)
  LANGUAGE plpgsql STABLE
  SET enable_bitmapscan = off
  SET enable_sort = off
AS $$
BEGIN
  RETURN QUERY
  SELECT t.tx_id::text, t.event_id, j.persistence_id, j.sequence_number, j.event_ser_id,
         j.event_ser_manifest, j.event_payload, j.write_timestamp
    FROM public.event_tag t JOIN public.event_journal j ON j.ordering = t.event_id
   WHERE t.tag = p_tag AND (t.tx_id, t.event_id) > (p_after_tx, p_after_event)
     AND t.tx_id < pg_snapshot_xmin(pg_current_snapshot())
     AND NOT j.deleted
   ORDER BY t.tx_id, t.event_id
   LIMIT p_limit;
END
$$;
COMMENT ON FUNCTION public.readside_horizon_page(text, xid8, bigint, integer) IS
  'A horizon source page: a slice''s journal rows after (tx_id, event_id), below the oldest running transaction, in index order.';
-- Journal payloads are not the analysts' to read (they could not anyway: the function runs with
-- the caller's rights); only the owner, the worker's user, calls it.
REVOKE ALL ON FUNCTION public.readside_horizon_page(text, xid8, bigint, integer) FROM PUBLIC;
