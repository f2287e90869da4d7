// The skills named in skill_ratings.csv, one row per skill. A null category keeps what the graph has.
UNWIND $rows AS row
MERGE (k:Skill {name: row.name})
WITH k, row, properties(k) AS before, k.source IS NULL AS created
SET k.category = coalesce(row.category, k.category)
WITH k, created, before <> properties(k) AS changed
CALL (k, created, changed) {
  WITH k WHERE created OR changed
  SET k.source = $source, k.updatedAt = datetime()
}
RETURN CASE WHEN created THEN 'created' WHEN changed THEN 'updated' ELSE 'unchanged' END AS status, count(*) AS count
