// The company numbers of the graph's suppliers: what `citygraph enrich-companies` looks for.
MATCH (s:Supplier)
WHERE s.companyNumber IS NOT NULL
RETURN DISTINCT s.companyNumber AS companyNumber
