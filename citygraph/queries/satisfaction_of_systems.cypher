// avg() ignores nulls and is null over no values: exactly "mean of non-null satisfaction".
UNWIND $keys AS key
OPTIONAL MATCH (:Borough)-[u:USES]->(:System {id: key})
RETURN key, avg(u.satisfaction) AS item
