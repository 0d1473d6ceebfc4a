-- Push instead of poll (issue 13). A transaction that inserts journal tags notifies channel
-- readside_journal once: the trigger runs per INSERT statement (the library inserts tags as a
-- JDBC batch, so that is still several times per transaction), and PostgreSQL delivers identical
-- notifications of one transaction once, at commit. So the payload is empty on purpose: one
-- notification per transaction, not per row or per slice; the worker's JournalWatch then reads
-- every slice's head in one query and wakes only the instances behind it.
CREATE FUNCTION public.readside_notify_journal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('readside_journal', '');
  RETURN NULL;
END $$;
COMMENT ON FUNCTION public.readside_notify_journal() IS
  'Notifies readside_journal (empty payload: delivered once per transaction) when journal tags are inserted.';

CREATE TRIGGER event_tag_notify AFTER INSERT ON public.event_tag
  FOR EACH STATEMENT EXECUTE FUNCTION public.readside_notify_journal();

-- The same for the read API's waiting reads (GET /carts/{id}?minSeqNr=): the cart-summary
-- projection's group transaction notifies readside_cart_summary once at commit, and the read API
-- checks its waiting carts at once instead of at its next poll.
CREATE FUNCTION public.readside_notify_cart_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('readside_cart_summary', '');
  RETURN NULL;
END $$;
COMMENT ON FUNCTION public.readside_notify_cart_summary() IS
  'Notifies readside_cart_summary (empty payload: once per transaction) when cart_summary rows are written.';

CREATE TRIGGER cart_summary_notify AFTER INSERT OR UPDATE ON read_model.cart_summary
  FOR EACH STATEMENT EXECUTE FUNCTION public.readside_notify_cart_summary();
