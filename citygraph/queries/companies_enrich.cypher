// Companies House facts on every supplier with the company number (graph/companies.py): status, accounts
// category, SIC codes and, when the accounts category tells, sme; with the file they came from and its
// date. The supplier's own `source` stays: it says where the supplier came from. updatedAt moves only
// when something changed.
UNWIND $rows AS row
MATCH (s:Supplier {companyNumber: row.companyNumber})
WITH s, row, properties(s) AS before
SET s.sme = coalesce(row.sme, s.sme, false),
    s.companyStatus = row.companyStatus,
    s.accountCategory = row.accountCategory,
    s.sicCodes = row.sicCodes,
    s.sicDescriptions = row.sicDescriptions,
    s.companiesHouseSource = $source,
    s.companiesHouseDate = $asOf
WITH s, before
CALL (s, before) {
  WITH s WHERE before <> properties(s) OR s.updatedAt IS NULL
  SET s.updatedAt = datetime()
}
