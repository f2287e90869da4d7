// jointProcurementOpportunities: council contracts ending within [$asOf, $asOf + $withinMonths months]
// (range seek on the endDate index), grouped by the systems they cover, kept when they belong to at least
// $minBoroughs boroughs; the first $limit by window start, system name, id. Only those are then read in
// full (each contract with its supplier), so the work beyond the grouping follows the answer's length.
// One row: `missingArea` (the $serviceArea named no service area) and `items`.
WITH $serviceArea IS NOT NULL AND NOT EXISTS { MATCH (:ServiceArea {name: $serviceArea}) } AS missingArea
CALL (missingArea) {
  WITH missingArea WHERE NOT missingArea
  WITH $asOf + duration({months: $withinMonths}) AS until
  MATCH (c:Contract)
  WHERE c.endDate >= $asOf AND c.endDate <= until
  MATCH (b:Borough)-[:AWARDED]->(c)-[:COVERS]->(s:System)
  WHERE $serviceArea IS NULL OR EXISTS { (s)-[:IN_AREA]->(:ServiceArea {name: $serviceArea}) }
  WITH s, until, count(DISTINCT b) AS boroughCount, min(c.endDate) AS windowStart
  WHERE boroughCount >= $minBoroughs
  ORDER BY windowStart, s.name, s.id
  LIMIT $limit
  CALL (s, until) {
    MATCH (b:Borough)-[:AWARDED]->(c:Contract)-[:COVERS]->(s)
    WHERE c.endDate >= $asOf AND c.endDate <= until
    WITH b, c ORDER BY c.endDate, c.id
    WITH collect(c {.id, .title, .valueGbp, .startDate, .endDate, .maxExtensionDate, .source, .reference, .description,
         .department, .annualValueGbp, .reviewDate, .extensionOptions, .cpvCodes, .proclass, boroughCode: b.code,
                    supplierId: head(COLLECT { MATCH (c)-[:WITH]->(x:Supplier) RETURN x.id ORDER BY x.id LIMIT 1 })})
           AS contracts,
         collect(DISTINCT b) AS boroughs, sum(c.valueGbp) AS total, count(c.valueGbp) AS valued,
         max(c.endDate) AS windowEnd
    RETURN contracts, total, valued, windowEnd,
           [bb IN COLLECT { UNWIND boroughs AS bb RETURN bb ORDER BY bb.name, bb.code } | bb {.code, .name, .region}]
             AS boroughs
  }
  ORDER BY windowStart, s.name, s.id
  RETURN collect({
    system: s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(ar) | ar {.name, .kind}]),
               manufacturer: head([(s)-[:MADE_BY]->(m) | m {.id, .name, .sme, .vcse, .companyNumber}])},
    boroughs: boroughs,
    contracts: contracts,
    windowStart: windowStart,
    windowEnd: windowEnd,
    combinedValueGbp: CASE WHEN valued > 0 THEN toFloat(total) END
  }) AS items
}
RETURN missingArea, items
