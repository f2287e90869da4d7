// The peer of bench/compare.py: what a team would build today with the Neo4j GraphQL Library 7 on
// graphql-yoga, over CityGraph's graph model (docs/graph-model.md), read-only.
//
//   node bench/peer/server.mjs [--port 4100] [--uri bolt://127.0.0.1:7687] [--user neo4j] [--password …] [--database neo4j]
//
// Every option falls back to the environment (PEER_PORT, NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE).
// It prints one line, "peer listening on http://127.0.0.1:PORT/graphql", once it answers; errors go to stderr.
// Node types and relationships are the library's own (generated queries, `sort`, connections); the two
// analytics are custom resolvers that run CityGraph's own statements from citygraph/queries/, so that
// the comparison measures the GraphQL layer, not two different algorithms.

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { Neo4jGraphQL } from "@neo4j/graphql";
import { GraphQLError } from "graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

const QUERIES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "citygraph", "queries");

// Relationship types and directions exactly as the importer writes them (citygraph/queries/import_*.cypher).
// Single relationships (manufacturer, serviceArea) are what the library offers for "exactly one"; a contract's
// suppliers stay a list because an OCDS award can name several (the lead is the first by id: the
// documents ask for `suppliers(sort: [{id: ASC}], limit: 1)`).
const typeDefs = /* GraphQL */ `
  extend schema @mutation(operations: [])

  enum Region { INNER_LONDON OUTER_LONDON OTHER }
  enum Hosting { ON_PREMISES CLOUD SAAS HYBRID UNKNOWN }
  enum ServiceKind { FRONTLINE CORPORATE }
  enum ConcentrationMeasure { CONTRACT_COUNT CONTRACT_VALUE }

  type Borough @node {
    code: ID!
    name: String!
    region: Region!
    officialName: String
    partnerships: [Partnership!]! @relationship(type: "MEMBER_OF", direction: OUT)
    systems: [System!]! @relationship(type: "USES", direction: OUT, properties: "Use")
    pastSystems: [System!]! @relationship(type: "USED", direction: OUT, properties: "PastUse")
    contracts: [Contract!]! @relationship(type: "AWARDED", direction: OUT)
    skills: [Skill!]! @relationship(type: "HAS_SKILL", direction: OUT, properties: "SkillLevel")
  }

  type Use @relationshipProperties {
    since: Date
    hosting: Hosting
    satisfaction: Int
    users: Int
    firstSeen: Date
    lastSeen: Date
    evidenceUrl: String
  }

  type PastUse @relationshipProperties {
    until: Date
    firstSeen: Date
    lastSeen: Date
  }

  type SkillLevel @relationshipProperties {
    level: Int!
  }

  type Partnership @node {
    name: ID!
    boroughs: [Borough!]! @relationship(type: "MEMBER_OF", direction: IN)
  }

  type ServiceArea @node {
    name: ID!
    kind: ServiceKind!
    systems: [System!]! @relationship(type: "IN_AREA", direction: IN)
  }

  type Supplier @node {
    id: ID!
    name: String!
    sme: Boolean
    companyNumber: String
    systems: [System!]! @relationship(type: "MADE_BY", direction: IN)
    contracts: [Contract!]! @relationship(type: "WITH", direction: IN)
  }

  type System @node {
    id: ID!
    name: String!
    serviceArea: ServiceArea @relationship(type: "IN_AREA", direction: OUT)
    manufacturer: Supplier @relationship(type: "MADE_BY", direction: OUT)
    boroughs: [Borough!]! @relationship(type: "USES", direction: IN, properties: "Use")
    contracts: [Contract!]! @relationship(type: "COVERS", direction: IN)
  }

  type Contract @node {
    id: ID!
    title: String!
    valueGbp: Float
    startDate: Date
    endDate: Date
    maxExtensionDate: Date
    source: String
    cpvCodes: [String!]
    borough: [Borough!]! @relationship(type: "AWARDED", direction: IN)
    suppliers: [Supplier!]! @relationship(type: "WITH", direction: OUT)
    systems: [System!]! @relationship(type: "COVERS", direction: OUT)
  }

  type Skill @node {
    name: ID!
    category: String
    boroughs: [Borough!]! @relationship(type: "HAS_SKILL", direction: IN, properties: "SkillLevel")
  }

  type Buyer @node {
    id: ID!
    name: String
    contracts: [Contract!]! @relationship(type: "AWARDED", direction: OUT)
  }

  # The analytics' answers: plain objects (no @node), filled by the custom resolvers below.
  type BoroughRow { code: ID! name: String! region: Region! }
  type ServiceAreaRow { name: ID! kind: ServiceKind! }
  type SupplierRow { id: ID! name: String! sme: Boolean! companyNumber: String }
  type SystemRow { id: ID! name: String! serviceArea: ServiceAreaRow! manufacturer: SupplierRow! }
  type SharedSystem { system: SystemRow! boroughs: [BoroughRow!]! boroughCount: Int! }
  type SupplierShare { supplier: SupplierRow! contractCount: Int! valueGbp: Float! share: Float! }
  type SupplierConcentration {
    measure: ConcentrationMeasure!
    total: Float!
    supplierCount: Int!
    topShare: Float!
    hhi: Float!
    smeShare: Float!
    suppliers: [SupplierShare!]!
  }

  type Query {
    sharedSystems(boroughCodes: [ID!]!, minBoroughs: Int): [SharedSystem!]!
    supplierConcentration(serviceArea: String, measure: ConcentrationMeasure = CONTRACT_COUNT, top: Int = 10): SupplierConcentration!
  }
`;

function options() {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      uri: { type: "string" },
      user: { type: "string" },
      password: { type: "string" },
      database: { type: "string" },
    },
  });
  const env = process.env;
  return {
    port: Number(values.port ?? env.PEER_PORT ?? 4100),
    uri: values.uri ?? env.NEO4J_URI ?? "bolt://127.0.0.1:7687",
    user: values.user ?? env.NEO4J_USER ?? "neo4j",
    password: values.password ?? env.NEO4J_PASSWORD ?? "",
    database: values.database ?? env.NEO4J_DATABASE ?? "neo4j",
  };
}

// Neo4j integers and dates as JSON-friendly values (the library does the same for its own fields).
function plain(value) {
  if (neo4j.isInt(value)) return value.toNumber();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    if (neo4j.isDate(value) || neo4j.isDateTime(value)) return value.toString();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function analyticsResolvers(driver, database) {
  const statement = (name) => readFileSync(join(QUERIES, `${name}.cypher`), "utf8");
  const sharedSystems = statement("analytics_shared_systems");
  const concentration = statement("analytics_supplier_concentration");
  const one = async (cypher, params) => {
    const { records } = await driver.executeQuery(cypher, params, { database, routing: neo4j.routing.READ });
    return plain(records[0].toObject());
  };
  // Arguments checked and defaulted as CityGraph's resolvers do (citygraph/resolvers/analytics.py).
  return {
    Query: {
      sharedSystems: async (_source, { boroughCodes, minBoroughs }) => {
        const codes = [...new Set(boroughCodes)];
        const least = minBoroughs ?? codes.length;
        const row = await one(sharedSystems, { codes, minBoroughs: neo4j.int(least) });
        if (row.missing.length) throw new GraphQLError(`Unknown borough codes ${row.missing.join(", ")} in boroughCodes.`);
        return row.items.map((item) => ({ ...item, boroughCount: item.boroughs.length }));
      },
      supplierConcentration: async (_source, { serviceArea, measure, top }) => {
        const row = await one(concentration, {
          serviceArea: serviceArea ?? null,
          byValue: measure === "CONTRACT_VALUE",
          top: neo4j.int(top),
        });
        if (row.missingArea) throw new GraphQLError(`Unknown service area "${serviceArea}" in serviceArea.`);
        return { ...row, measure };
      },
    },
  };
}

async function main() {
  const config = options();
  const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password));
  const library = new Neo4jGraphQL({
    typeDefs,
    driver,
    resolvers: analyticsResolvers(driver, config.database),
    // CityGraph's `nameContains` ignores case; the library's `caseInsensitive: {contains}` does the same.
    features: { filters: { String: { CASE_INSENSITIVE: true } } },
  });
  const schema = await library.getSchema();
  const yoga = createYoga({
    schema,
    context: () => ({ sessionConfig: { database: config.database } }),
    graphiql: false,
    landingPage: false,
    logging: "error",
  });
  const server = createServer(yoga);
  const stop = () => server.close(() => driver.close().finally(() => process.exit(0)));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  server.listen(config.port, "127.0.0.1", () => {
    console.log(`peer listening on http://127.0.0.1:${config.port}/graphql`);
  });
}

main().catch((error) => {
  console.error("peer:", error);
  process.exit(1);
});
