// Staging: new skills.
UNWIND $rows AS row
CREATE (k:StagedSkill {name: row.name, source: $source, updatedAt: datetime()})
SET k.category = row.category
RETURN 'created' AS status, count(*) AS count
