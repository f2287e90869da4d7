// Empties the database (tests, `citygraph reset`). Constraints and indexes stay.
MATCH (n)
DETACH DELETE n
