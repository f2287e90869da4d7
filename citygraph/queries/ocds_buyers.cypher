// OCDS buyers that are not a known council. `source` is the first ocid that named the buyer;
// orgIds gathers every org-id the buyer was seen with (graph/ocds.py, Identities). updatedAt moves only
// when something changed.
UNWIND $rows AS row
MERGE (b:Buyer {id: row.id})
  ON CREATE SET b.source = row.source
WITH b, row, properties(b) AS before
SET b.name = row.name,
    b.orgIds = reduce(ids = coalesce(b.orgIds, []), i IN row.orgIds | CASE WHEN i IN ids THEN ids ELSE ids + i END)
WITH b, before
CALL (b, before) {
  WITH b WHERE before <> properties(b) OR b.updatedAt IS NULL
  SET b.updatedAt = datetime()
}
