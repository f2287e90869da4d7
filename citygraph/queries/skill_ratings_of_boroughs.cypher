UNWIND $keys AS key
MATCH (b:Borough {code: key})-[r:HAS_SKILL]->(k:Skill)
RETURN key, {boroughCode: b.code, skillName: k.name, level: r.level} AS item
ORDER BY key, k.name
