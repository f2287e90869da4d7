// Awarded suppliers. A notice that does not say whether the supplier is an SME (row.sme null) or has no
// company number keeps what an earlier one said. updatedAt moves only when something changed.
// (properties() holds no nulls, unlike a map projection, so comparing before and after is exact.)
UNWIND $rows AS row
MERGE (s:Supplier {id: row.id})
  ON CREATE SET s.source = row.source
WITH s, row, properties(s) AS before
SET s.name = row.name,
    s.sme = coalesce(row.sme, s.sme, false),
    s.companyNumber = coalesce(row.companyNumber, s.companyNumber)
WITH s, before
CALL (s, before) {
  WITH s WHERE before <> properties(s) OR s.updatedAt IS NULL
  SET s.updatedAt = datetime()
}
