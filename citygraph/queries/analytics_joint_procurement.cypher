// jointProcurementOpportunities: council contracts ending within [$asOf, $asOf + $withinMonths months]
// (range seek on the endDate index), grouped by the systems they cover, kept when they belong to at least
// $minBoroughs boroughs; the first $limit by window start, system name, id. Only those are then read in
// full (each contract with its lead supplier), so the work beyond the grouping follows the answer's length.
// The grouping keeps each system's (borough, contract) pairs as node references, so the kept ones are not
// found again (that walked every contract of the system, of any date): 13.5 MB of Neo4j memory for the
// UK demo's 38,462 pairs in the default 24 months; all 101,567 contracts fit too.
// The answer is long (the UK demo's default: 100 systems, 14,837 contracts, 10,600 borough entries), so it
// is shaped for decoding: each contract a list (read by `_contract` in graph/analytics.py) with its
// dates (and the window's) as ISO text (the driver builds a Python object per Neo4j date, which cost more
// than reading them; the rows are then read without a walk for dates, Database.read_decoded),
// each opportunity's boroughs as codes, and every borough's map once, in `boroughs`.
// COVERS always ends at a System and WITH at a Supplier (docs/graph-model.md): no label checks.
// One row: `missingArea` (the $serviceArea named no service area), `items` and `boroughs`.
WITH $serviceArea IS NOT NULL AND NOT EXISTS { MATCH (:ServiceArea {name: $serviceArea}) } AS missingArea
CALL (missingArea) {
  WITH missingArea WHERE NOT missingArea
  WITH $asOf + duration({months: $withinMonths}) AS until
  MATCH (c:Contract)
  WHERE c.endDate >= $asOf AND c.endDate <= until
  MATCH (b:Borough)-[:AWARDED]->(c)
  MATCH (c)-[:COVERS]->(s)
  WHERE $serviceArea IS NULL OR EXISTS { (s)-[:IN_AREA]->(:ServiceArea {name: $serviceArea}) }
  WITH s, collect([b, c]) AS awards, count(DISTINCT b) AS boroughCount, min(c.endDate) AS windowStart
  WHERE boroughCount >= $minBoroughs
  ORDER BY windowStart, s.name, s.id
  LIMIT $limit
  CALL (awards) {
    UNWIND awards AS award
    WITH award[0] AS b, award[1] AS c
    ORDER BY c.endDate, c.id
    // The lead supplier is the first by id (Contract.supplier); most contracts have one.
    RETURN collect([c.id, c.title, c.valueGbp, toString(c.startDate), toString(c.endDate),
                    toString(c.maxExtensionDate), c.source, b.code,
                    reduce(lead = null, x IN [(c)-[:WITH]->(x) | x.id] |
                           CASE WHEN lead IS NULL OR x < lead THEN x ELSE lead END),
                    // what a contracts register states (graph/register.py)
                    c.reference, c.description, c.department, c.annualValueGbp, toString(c.reviewDate),
                    c.extensionOptions, c.cpvCodes, c.proclass]) AS contracts,
           sum(c.valueGbp) AS total, count(c.valueGbp) AS valued, max(c.endDate) AS windowEnd,
           collect(DISTINCT b) AS members
  }
  ORDER BY windowStart, s.name, s.id
  WITH collect({
    system: s {.id, .name, serviceArea: head([(s)-[:IN_AREA]->(ar) | ar {.name, .kind}]),
               manufacturer: head([(s)-[:MADE_BY]->(m) | m {.id, .name, .sme, .vcse, .companyNumber}])},
    boroughs: COLLECT { UNWIND members AS m RETURN m.code ORDER BY m.name, m.code },
    contracts: contracts,
    windowStart: toString(windowStart),
    windowEnd: toString(windowEnd),
    combinedValueGbp: CASE WHEN valued > 0 THEN toFloat(total) END
  }) AS items
  // Every borough's map, not only those named: a few hundred maps. Collecting each item's members once more
  // to pick out the named ones made Neo4j count 122 MB against the transaction's memory (12 MB without).
  RETURN items, CASE WHEN items = [] THEN [] ELSE COLLECT { MATCH (m:Borough) RETURN m {.code, .name, .region} } END
           AS boroughs
}
RETURN missingArea, items, boroughs
