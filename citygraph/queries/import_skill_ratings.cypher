// Bundle skill ratings: one HAS_SKILL per (borough, skill); the Skill nodes exist (import_skills ran first).
UNWIND $rows AS row
MATCH (b:Borough {code: row.boroughCode})
MATCH (k:Skill {name: row.skill})
MERGE (b)-[h:HAS_SKILL]->(k)
WITH h, row, properties(h) AS before, h.source IS NULL AS created
SET h.level = row.level
WITH h, created, before <> properties(h) AS changed
CALL (h, created, changed) {
  WITH h WHERE created OR changed
  SET h.source = $source, h.updatedAt = datetime()
}
RETURN CASE WHEN created THEN 'created' WHEN changed THEN 'updated' ELSE 'unchanged' END AS status, count(*) AS count
