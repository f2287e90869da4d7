// The referenced keys of one write (citygraph/graph/writes.py) that the graph does not hold.
RETURN [code IN $boroughs WHERE NOT EXISTS { MATCH (:Borough {code: code}) }] AS boroughs,
       [id IN $suppliers WHERE NOT EXISTS { MATCH (:Supplier {id: id}) }] AS suppliers,
       [id IN $systems WHERE NOT EXISTS { MATCH (:System {id: id}) }] AS systems,
       [name IN $serviceAreas WHERE NOT EXISTS { MATCH (:ServiceArea {name: name}) }] AS serviceAreas
