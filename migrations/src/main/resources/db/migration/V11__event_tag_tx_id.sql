-- The horizon source (readside.worker.source = horizon) reads a slice's rows in (tx_id, ordering)
-- order up to pg_snapshot_xmin(pg_current_snapshot()). The journal's tx_id is copied into
-- event_tag, where the slice's tag is, so a poll is one range scan of one index
-- (tag, tx_id, event_id) and a lookup of each row's journal entry by ordering; filtering the
-- journal's tx_id after a join would read every row of the tag.
--
-- The library inserts the tag rows in the journal write's transaction and names only event_id
-- and tag, so the default gives each tag row its journal row's transaction id. Even if it did
-- not, a tag row's own tx_id is the right one for the horizon: it is the transaction that makes
-- the row visible.
ALTER TABLE public.event_tag ADD COLUMN tx_id XID8;
UPDATE public.event_tag t SET tx_id = j.tx_id FROM public.event_journal j WHERE j.ordering = t.event_id;
ALTER TABLE public.event_tag ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id();
ALTER TABLE public.event_tag ALTER COLUMN tx_id SET NOT NULL;
CREATE INDEX event_tag_tag_tx_id_event_id_idx ON public.event_tag (tag, tx_id, event_id);
