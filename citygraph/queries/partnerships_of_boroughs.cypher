UNWIND $keys AS key
MATCH (:Borough {code: key})-[:MEMBER_OF]->(p:Partnership)
RETURN key, p {.name} AS item
ORDER BY key, p.name
