// Every supplier's id, name and company number, for matching a register's suppliers (graph/register.py).
MATCH (s:Supplier)
RETURN s.id AS id, s.name AS name, s.companyNumber AS companyNumber
ORDER BY id
