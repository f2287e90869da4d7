// supplierConcentration over council contracts ((:Borough)-[:AWARDED]->, not OCDS buyers), optionally only
// those covering a system in $serviceArea. Amount per supplier = its contract count or summed valueGbp
// ($byValue); shares are amount / total over every supplier holding a counted contract.
// One row: `missingArea` (the $serviceArea named no service area) and the figures.
WITH $serviceArea IS NOT NULL AND NOT EXISTS { MATCH (:ServiceArea {name: $serviceArea}) } AS missingArea
CALL (missingArea) {
  WITH missingArea WHERE NOT missingArea
  MATCH (:Borough)-[:AWARDED]->(c:Contract)-[:WITH]->(x:Supplier)
  // An award with several suppliers counts once, for its lead supplier: the first by id, as Contract.supplier.
  WHERE NOT EXISTS { (c)-[:WITH]->(y:Supplier) WHERE y.id < x.id }
    AND ($serviceArea IS NULL OR EXISTS { (c)-[:COVERS]->(:System)-[:IN_AREA]->(:ServiceArea {name: $serviceArea}) })
  WITH x, count(DISTINCT c) AS contractCount, toFloat(coalesce(sum(c.valueGbp), 0)) AS valueGbp
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
