UNWIND $keys AS key
MATCH (:Partnership {name: key})<-[:MEMBER_OF]-(b:Borough)
RETURN key, b {.code, .name, .region} AS item
ORDER BY key, b.name, b.code
