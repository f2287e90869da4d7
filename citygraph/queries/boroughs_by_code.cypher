UNWIND $keys AS key
MATCH (b:Borough {code: key})
RETURN key, b {.code, .name, .region} AS item
