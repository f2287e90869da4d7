"""CityGraph: London councils' technology landscape as a Neo4j knowledge graph, served over GraphQL."""

__version__ = "0.1.0"
