CREATE CONSTRAINT borough_code IF NOT EXISTS FOR (n:Borough) REQUIRE n.code IS UNIQUE;
CREATE CONSTRAINT partnership_name IF NOT EXISTS FOR (n:Partnership) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT service_area_name IF NOT EXISTS FOR (n:ServiceArea) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT supplier_id IF NOT EXISTS FOR (n:Supplier) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT system_id IF NOT EXISTS FOR (n:System) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT contract_id IF NOT EXISTS FOR (n:Contract) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT skill_name IF NOT EXISTS FOR (n:Skill) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT buyer_id IF NOT EXISTS FOR (n:Buyer) REQUIRE n.id IS UNIQUE;
CREATE INDEX borough_name IF NOT EXISTS FOR (n:Borough) ON (n.name);
CREATE INDEX borough_region IF NOT EXISTS FOR (n:Borough) ON (n.region);
CREATE INDEX supplier_name IF NOT EXISTS FOR (n:Supplier) ON (n.name);
CREATE INDEX system_name IF NOT EXISTS FOR (n:System) ON (n.name);
CREATE INDEX contract_end_date IF NOT EXISTS FOR (n:Contract) ON (n.endDate);
CREATE INDEX contract_source IF NOT EXISTS FOR (n:Contract) ON (n.source);
CREATE INDEX buyer_name IF NOT EXISTS FOR (n:Buyer) ON (n.name);
// search (citygraph/queries/search.cypher): one full-text index per kind, so a search for some kinds asks only
// their indexes, each for at most `first` hits.
CREATE FULLTEXT INDEX search_borough IF NOT EXISTS FOR (n:Borough) ON EACH [n.name, n.code];
CREATE FULLTEXT INDEX search_supplier IF NOT EXISTS FOR (n:Supplier) ON EACH [n.name, n.id];
CREATE FULLTEXT INDEX search_system IF NOT EXISTS FOR (n:System) ON EACH [n.name, n.id];
CREATE FULLTEXT INDEX search_contract IF NOT EXISTS FOR (n:Contract) ON EACH [n.title, n.id];
CREATE FULLTEXT INDEX search_skill IF NOT EXISTS FOR (n:Skill) ON EACH [n.name];
CREATE FULLTEXT INDEX search_service_area IF NOT EXISTS FOR (n:ServiceArea) ON EACH [n.name];
CREATE FULLTEXT INDEX search_partnership IF NOT EXISTS FOR (n:Partnership) ON EACH [n.name]
