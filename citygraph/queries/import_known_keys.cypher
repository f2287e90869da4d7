// The keys already in the graph that bundle rows may refer to, and the contracts it has (whose rows are
// updates rather than creations): one round trip for the whole bundle.
CALL () { MATCH (b:Borough) RETURN collect(b.code) AS boroughs }
CALL () { MATCH (s:Supplier) RETURN collect(s.id) AS suppliers }
CALL () { MATCH (s:System) RETURN collect(s.id) AS systems }
CALL () { MATCH (a:ServiceArea) RETURN collect(a.name) AS serviceAreas }
CALL () { MATCH (k:Skill) RETURN collect(k.name) AS skills }
CALL () { MATCH (c:Contract) RETURN collect(c.id) AS contracts }
RETURN boroughs, suppliers, systems, serviceAreas, skills, contracts
