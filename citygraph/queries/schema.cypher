CREATE CONSTRAINT borough_code IF NOT EXISTS FOR (n:Borough) REQUIRE n.code IS UNIQUE;
CREATE CONSTRAINT partnership_name IF NOT EXISTS FOR (n:Partnership) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT service_area_name IF NOT EXISTS FOR (n:ServiceArea) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT supplier_id IF NOT EXISTS FOR (n:Supplier) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT system_id IF NOT EXISTS FOR (n:System) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT contract_id IF NOT EXISTS FOR (n:Contract) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT skill_name IF NOT EXISTS FOR (n:Skill) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT buyer_id IF NOT EXISTS FOR (n:Buyer) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT import_lock_name IF NOT EXISTS FOR (n:ImportLock) REQUIRE n.name IS UNIQUE;
// One graph version (citygraph/graph/version.py): the constraint also makes concurrent MERGEs of it safe.
CREATE CONSTRAINT graph_version_id IF NOT EXISTS FOR (n:GraphVersion) REQUIRE n.id IS UNIQUE;
// API keys (citygraph/auth/keys.py): a name means one key for the audit trail, and sign-in looks keys up by hash.
CREATE CONSTRAINT api_key_name IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.hash IS UNIQUE;
CREATE INDEX borough_name IF NOT EXISTS FOR (n:Borough) ON (n.name);
CREATE INDEX borough_region IF NOT EXISTS FOR (n:Borough) ON (n.region);
CREATE INDEX supplier_name IF NOT EXISTS FOR (n:Supplier) ON (n.name);
CREATE INDEX system_name IF NOT EXISTS FOR (n:System) ON (n.name);
CREATE INDEX contract_end_date IF NOT EXISTS FOR (n:Contract) ON (n.endDate);
CREATE INDEX contract_source IF NOT EXISTS FOR (n:Contract) ON (n.source);
CREATE INDEX buyer_name IF NOT EXISTS FOR (n:Buyer) ON (n.name);
CREATE INDEX staged_service_area_name IF NOT EXISTS FOR (n:StagedServiceArea) ON (n.name);
CREATE INDEX staged_supplier_id IF NOT EXISTS FOR (n:StagedSupplier) ON (n.id);
CREATE INDEX staged_borough_code IF NOT EXISTS FOR (n:StagedBorough) ON (n.code);
CREATE INDEX staged_system_id IF NOT EXISTS FOR (n:StagedSystem) ON (n.id);
CREATE INDEX staged_skill_name IF NOT EXISTS FOR (n:StagedSkill) ON (n.name);
// search (citygraph/queries/search.cypher): one index over every kind, so scores of different kinds compare.
CREATE FULLTEXT INDEX entity_search IF NOT EXISTS
FOR (n:Borough|Supplier|System|Contract|Skill|ServiceArea|Partnership) ON EACH [n.name, n.title, n.code, n.id];
// The write API's change log (citygraph/graph/writes.py): read by time.
CREATE CONSTRAINT change_id IF NOT EXISTS FOR (n:Change) REQUIRE n.id IS UNIQUE;
CREATE INDEX change_at IF NOT EXISTS FOR (n:Change) ON (n.at);
