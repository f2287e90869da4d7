// satisfactionBySupplierCount: per council (all, or those of $codes), how many suppliers it has ("the suppliers
// of a borough": contract counterparties plus manufacturers of the systems it uses) and the mean of its
// non-null SystemUse.satisfaction. One row: `missing` codes, and the boroughs by name, then code.
OPTIONAL CALL () {
  UNWIND coalesce($codes, []) AS code
  OPTIONAL MATCH (b:Borough {code: code})
  WITH code WHERE b IS NULL
  RETURN collect(code) AS missing
}
CALL () {
  MATCH (b:Borough)
  WHERE $codes IS NULL OR b.code IN $codes
  WITH b, COUNT {
    CALL (b) {
      MATCH (b)-[:AWARDED]->(:Contract)-[:WITH]->(s:Supplier) RETURN s
      UNION
      MATCH (b)-[:USES]->(:System)-[:MADE_BY]->(s:Supplier) RETURN s
    }
    RETURN s
  } AS supplierCount,
  [(b)-[u:USES]->(:System) WHERE u.satisfaction IS NOT NULL | u.satisfaction] AS ratings
  ORDER BY b.name, b.code
  RETURN collect({borough: b {.code, .name, .region}, supplierCount: supplierCount,
                  averageSatisfaction: CASE WHEN size(ratings) > 0 THEN toFloat(reduce(t = 0, x IN ratings | t + x)) / size(ratings) END,
                  ratedUses: size(ratings)}) AS items
}
RETURN missing, items
