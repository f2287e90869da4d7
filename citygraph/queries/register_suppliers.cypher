// Suppliers of a contracts register (graph/register.py). An existing supplier keeps its name and source;
// the register adds its company number and SME/VCSE answers where it gives them. updatedAt moves only
// when something changed.
UNWIND $rows AS row
MERGE (s:Supplier {id: row.id})
  ON CREATE SET s.name = row.name, s.source = $source
WITH s, row, properties(s) AS before
SET s.sme = coalesce(row.sme, s.sme, false),
    s.vcse = coalesce(row.vcse, s.vcse),
    s.companyNumber = coalesce(s.companyNumber, row.companyNumber)
WITH s, before
CALL (s, before) {
  WITH s WHERE before <> properties(s) OR s.updatedAt IS NULL
  SET s.updatedAt = datetime()
}
