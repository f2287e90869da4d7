// Companies House facts of each supplier id in $keys (records.CompanyFacts); none until enrich-companies.
UNWIND $keys AS key
MATCH (s:Supplier {id: key})
WHERE s.companiesHouseSource IS NOT NULL
RETURN key, s {.companyStatus, .accountCategory, .sicCodes, .sicDescriptions, .companiesHouseSource,
               .companiesHouseDate} AS item
