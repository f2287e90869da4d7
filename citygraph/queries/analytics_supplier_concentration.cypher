// supplierConcentration over council contracts ((:Borough)-[:AWARDED]->, not OCDS buyers), optionally only
// those covering a system in $serviceArea. Amount per supplier = its contract count or summed valueGbp
// ($byValue); shares are amount / total over every supplier holding a counted contract.
// One row: `missingArea` (the $serviceArea named no service area) and the figures.
WITH $serviceArea IS NOT NULL AND NOT EXISTS { MATCH (:ServiceArea {name: $serviceArea}) } AS missingArea
CALL (missingArea) {
  WITH missingArea WHERE NOT missingArea
  // AWARDED always ends at a Contract and WITH at a Supplier (docs/graph-model.md): no label checks. Each
  // contract's suppliers are read in one pass over its relationships; an award with several suppliers
  // counts once, for its lead supplier: the first by id, as Contract.supplier (ids are read only then).
  // Checking "no supplier with a smaller id" per (contract, supplier) instead read every contract's
  // relationships twice: 1.45 million db hits on the UK demo, 0.62 million this way.
  MATCH (:Borough)-[:AWARDED]->(c)
  WHERE $serviceArea IS NULL OR EXISTS { (c)-[:COVERS]->(:System)-[:IN_AREA]->(:ServiceArea {name: $serviceArea}) }
  WITH DISTINCT c
  WITH c, [(c)-[:WITH]->(x) | x] AS xs
  WITH c, CASE size(xs) WHEN 0 THEN null WHEN 1 THEN xs[0]
            ELSE reduce(lead = xs[0], y IN xs | CASE WHEN y.id < lead.id THEN y ELSE lead END) END AS x
  WHERE x IS NOT NULL
  WITH x, count(*) AS contractCount, toFloat(coalesce(sum(c.valueGbp), 0)) AS valueGbp
  WITH x, contractCount, valueGbp, CASE WHEN $byValue THEN valueGbp ELSE toFloat(contractCount) END AS amount
  WITH collect({supplier: x {.id, .name, .sme, .vcse, .companyNumber}, contractCount: contractCount,
                valueGbp: valueGbp, amount: amount}) AS rows,
       sum(amount) AS total
  WITH total, COLLECT {
         UNWIND rows AS row
         WITH row, CASE WHEN total > 0 THEN row.amount / total ELSE 0.0 END AS share
         ORDER BY share DESC, row.supplier.name, row.supplier.id
         RETURN {supplier: row.supplier, contractCount: row.contractCount,
                 valueGbp: row.valueGbp, share: share}
       } AS shares
  RETURN toFloat(total) AS total,
         size(shares) AS supplierCount,
         reduce(s = 0.0, item IN shares[..$top] | s + item.share) AS topShare,
         reduce(s = 0.0, item IN shares | s + (item.share * 100) ^ 2) AS hhi,
         reduce(s = 0.0, item IN shares | s + CASE WHEN item.supplier.sme THEN item.share ELSE 0.0 END) AS smeShare,
         shares[..$top] AS suppliers
}
RETURN missingArea, total, supplierCount, topShare, hhi, smeShare, suppliers
