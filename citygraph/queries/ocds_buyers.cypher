// OCDS buyers that are not a known council. `source` is the first ocid that named the buyer;
// updatedAt moves only when the name changes.
UNWIND $rows AS row
MERGE (b:Buyer {id: row.id})
  ON CREATE SET b.source = row.source
WITH b, row, properties(b) AS before
SET b.name = row.name
WITH b, before
CALL (b, before) {
  WITH b WHERE before <> properties(b) OR b.updatedAt IS NULL
  SET b.updatedAt = datetime()
}
