// connectionPath: the shortest path between two entities through any relationships, in any direction,
// through entity nodes only (an OCDS :Buyer has no EntityKind). Each end is found by the unique key of its
// kind: one UNION branch per kind, each an index seek that runs only for the kind asked for.
// Variable-length bounds must be literals: the search is capped at 10 (the largest maxHops accepted) and
// longer results dropped after it, which stays a breadth-first search rather than an exhaustive one.
// One row: `fromFound`, `toFound`, `nodes` (null when there is no path within $maxHops).
OPTIONAL CALL () {
    MATCH (a:Borough {code: $fromId}) WHERE $fromKind = 'BOROUGH' RETURN a
    UNION MATCH (a:Supplier {id: $fromId}) WHERE $fromKind = 'SUPPLIER' RETURN a
    UNION MATCH (a:System {id: $fromId}) WHERE $fromKind = 'SYSTEM' RETURN a
    UNION MATCH (a:Contract {id: $fromId}) WHERE $fromKind = 'CONTRACT' RETURN a
    UNION MATCH (a:Skill {name: $fromId}) WHERE $fromKind = 'SKILL' RETURN a
    UNION MATCH (a:ServiceArea {name: $fromId}) WHERE $fromKind = 'SERVICE_AREA' RETURN a
    UNION MATCH (a:Partnership {name: $fromId}) WHERE $fromKind = 'PARTNERSHIP' RETURN a
}
OPTIONAL CALL () {
    MATCH (b:Borough {code: $toId}) WHERE $toKind = 'BOROUGH' RETURN b
    UNION MATCH (b:Supplier {id: $toId}) WHERE $toKind = 'SUPPLIER' RETURN b
    UNION MATCH (b:System {id: $toId}) WHERE $toKind = 'SYSTEM' RETURN b
    UNION MATCH (b:Contract {id: $toId}) WHERE $toKind = 'CONTRACT' RETURN b
    UNION MATCH (b:Skill {name: $toId}) WHERE $toKind = 'SKILL' RETURN b
    UNION MATCH (b:ServiceArea {name: $toId}) WHERE $toKind = 'SERVICE_AREA' RETURN b
    UNION MATCH (b:Partnership {name: $toId}) WHERE $toKind = 'PARTNERSHIP' RETURN b
}
OPTIONAL MATCH p = shortestPath((a)-[*..10]-(b))
WHERE a <> b
  AND all(n IN nodes(p) WHERE n:Borough OR n:Supplier OR n:System OR n:Contract OR n:Skill OR n:ServiceArea
                              OR n:Partnership)
WITH a, b, CASE WHEN a = b THEN [a] WHEN length(p) <= $maxHops THEN nodes(p) END AS path
RETURN a IS NOT NULL AS fromFound, b IS NOT NULL AS toFound,
       [n IN path | CASE
         WHEN n:Borough THEN {id: n.code, kind: 'BOROUGH', label: n.name}
         WHEN n:Supplier THEN {id: n.id, kind: 'SUPPLIER', label: n.name}
         WHEN n:System THEN {id: n.id, kind: 'SYSTEM', label: n.name}
         WHEN n:Contract THEN {id: n.id, kind: 'CONTRACT', label: n.title}
         WHEN n:Skill THEN {id: n.name, kind: 'SKILL', label: n.name}
         WHEN n:ServiceArea THEN {id: n.name, kind: 'SERVICE_AREA', label: n.name}
         ELSE {id: n.name, kind: 'PARTNERSHIP', label: n.name}
       END] AS nodes
