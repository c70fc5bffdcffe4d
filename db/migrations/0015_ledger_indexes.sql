-- ChargeClock schema, step 15: the ledger's entries found by their visit (an audit packet and
-- History list every entry about a visit, its adjustments included) and by their date (the
-- open export's period), each by an index rather than a read of every year's entries.

CREATE INDEX ledger_entries_visit ON ledger_entries (visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX ledger_entries_date ON ledger_entries (entry_date);
