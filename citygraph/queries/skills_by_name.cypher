UNWIND $keys AS key
MATCH (k:Skill {name: key})
RETURN key, k {.name, .category} AS item
