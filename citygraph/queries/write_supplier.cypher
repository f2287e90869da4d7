// upsertSupplier: null keeps what the graph has, $clear removes; sme is false until given.
MERGE (n:Supplier {id: $id})
SET n.name = $name,
    n.sme = coalesce($sme, n.sme, false),
    n.companyNumber = CASE WHEN 'companyNumber' IN $clear THEN null ELSE coalesce($companyNumber, n.companyNumber) END
