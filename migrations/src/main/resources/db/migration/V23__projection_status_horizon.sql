-- read_model.projection_status for both event sources: a journal-ordering offset (eventsByTag,
-- manifest SEQ) counts the tag's rows above it; a horizon offset (manifest STR, "tx_id:ordering")
-- the rows after it in (tx_id, ordering) order. applied_offset is the ordering in both cases.
CREATE OR REPLACE VIEW read_model.projection_status AS
SELECT o.projection_name,
       split_part(o.projection_key, '-', 2)::int                 AS slice,
       p.ord                                                     AS applied_offset,
       COALESCE(head.head, 0)                                    AS journal_head,
       COALESCE(lag.events, 0)                                   AS lag_events,
       COALESCE(EXTRACT(EPOCH FROM now() - to_timestamp(lag.oldest / 1000.0)), 0)::numeric(12, 3) AS lag_seconds,
       to_timestamp(o.last_updated / 1000.0)                     AS offset_updated_at,
       now()                                                     AS as_of
  FROM public.pekko_projection_offset_store o
  CROSS JOIN LATERAL (
    SELECT CASE WHEN o.manifest = 'STR' THEN split_part(o.current_offset, ':', 1)::xid8 END AS tx,
           CASE WHEN o.manifest = 'STR' THEN split_part(o.current_offset, ':', 2)::bigint
                ELSE o.current_offset::bigint END                AS ord) p
  LEFT JOIN LATERAL (SELECT max(t.event_id) AS head FROM public.event_tag t WHERE t.tag = o.projection_key) head ON true
  LEFT JOIN LATERAL (SELECT count(*) AS events, min(j.write_timestamp) AS oldest
                       FROM public.event_tag t JOIN public.event_journal j ON j.ordering = t.event_id
                      WHERE t.tag = o.projection_key
                        AND CASE WHEN p.tx IS NULL THEN t.event_id > p.ord ELSE (t.tx_id, t.event_id) > (p.tx, p.ord) END) lag ON true
 WHERE o.manifest IN ('SEQ', 'STR');

COMMENT ON COLUMN read_model.projection_status.applied_offset IS 'Journal ordering up to which this slice has been applied (with the horizon source, the ordering of its last applied row).';
