UNWIND $keys AS key
MATCH (b:Borough)-[r:HAS_SKILL]->(k:Skill {name: key})
RETURN key, {boroughCode: b.code, skillName: k.name, level: r.level} AS item
ORDER BY key, b.name, b.code
