// jointProcurementOpportunities: council contracts ending within [$asOf, $asOf + $withinMonths months]
// (range seek on the endDate index), grouped by the systems they cover, kept when they belong to at least
// $minBoroughs boroughs. One row: `missingArea` (the $serviceArea named no service area) and `items`.
WITH $serviceArea IS NOT NULL AND NOT EXISTS { MATCH (:ServiceArea {name: $serviceArea}) } AS missingArea
CALL (missingArea) {
  WITH missingArea WHERE NOT missingArea
  WITH $asOf + duration({months: $withinMonths}) AS until
  MATCH (c:Contract)
  WHERE c.endDate >= $asOf AND c.endDate <= until
  MATCH (b:Borough)-[:AWARDED]->(c)-[:COVERS]->(s:System)
  WHERE $serviceArea IS NULL OR EXISTS { (s)-[:IN_AREA]->(:ServiceArea {name: $serviceArea}) }
  WITH s, b, c ORDER BY c.endDate, c.id
  WITH s,
       collect(c {.id, .title, .valueGbp, .startDate, .endDate, .maxExtensionDate, .source, boroughCode: b.code,
                  supplierId: head(COLLECT { MATCH (c)-[:WITH]->(x:Supplier) RETURN x.id ORDER BY x.id LIMIT 1 })}) AS contracts,
       collect(DISTINCT b) AS boroughs,
       sum(c.valueGbp) AS total, count(c.valueGbp) AS valued, min(c.endDate) AS windowStart, max(c.endDate) AS windowEnd
  WHERE size(boroughs) >= $minBoroughs
  ORDER BY windowStart, s.name, s.id
  RETURN collect({
    system: s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(ar) | ar {.name, .kind}]),
               manufacturer: head([(s)-[:MADE_BY]->(m) | m {.id, .name, .sme, .companyNumber}])},
    boroughs: [bb IN COLLECT { UNWIND boroughs AS bb RETURN bb ORDER BY bb.name, bb.code }
               | bb {.code, .name, .region}],
    contracts: contracts,
    windowStart: windowStart,
    windowEnd: windowEnd,
    combinedValueGbp: CASE WHEN valued > 0 THEN toFloat(total) END
  }) AS items
}
RETURN missingArea, items
