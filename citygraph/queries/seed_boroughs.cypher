// The reference councils: properties and partnership memberships, touched only when they differ.
UNWIND $rows AS row
MERGE (b:Borough {code: row.code})
WITH b, row, b {.name, .region, .officialName} AS before
SET b.name = row.name, b.region = row.region, b.officialName = row.officialName
WITH b, row, before
CALL (b, row, before) {
  WITH b WHERE before <> b {.name, .region, .officialName} OR b.source IS NULL
  SET b.source = $source, b.updatedAt = datetime()
}
WITH b, row
UNWIND row.partnerships AS partnershipName
MERGE (p:Partnership {name: partnershipName})
  ON CREATE SET p.source = $source, p.updatedAt = datetime()
MERGE (b)-[m:MEMBER_OF]->(p)
  ON CREATE SET m.source = $source, m.updatedAt = datetime()
