"""Settings from the environment (and an optional `.env`); see the settings table in README.md."""

import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import limits
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# CPV prefixes that make a procurement "technology": software packages (48), IT services (72),
# computer equipment (302), radio/telecoms equipment (324), telecommunications services (642).
DEFAULT_IT_CPV_PREFIXES = ("48", "72", "302", "324", "642")


class Settings(BaseSettings):
    # No populate_by_name: it would also read each field by its own name, e.g. `home` from $HOME.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    neo4j_uri: str | None = Field(default=None, alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: str | None = Field(default=None, alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")

    home: Path = Field(default=Path(".citygraph"), alias="CITYGRAPH_HOME")
    bolt_port: int = Field(default=7687, ge=1, le=65535, alias="CITYGRAPH_BOLT_PORT")
    neo4j_heap: str = Field(default="1g", alias="CITYGRAPH_NEO4J_HEAP")
    neo4j_pagecache_mb: int = Field(default=512, ge=16, alias="CITYGRAPH_NEO4J_PAGECACHE_MB")
    launcher_jar: Path | None = Field(default=None, alias="CITYGRAPH_LAUNCHER_JAR")

    trace: bool = Field(default=False, alias="CITYGRAPH_TRACE")
    trace_header: bool = Field(default=False, alias="CITYGRAPH_TRACE_HEADER")
    otel: bool = Field(default=False, alias="CITYGRAPH_OTEL")  # OpenTelemetry spans (citygraph/schema/tracing.py)
    max_page_size: int = Field(default=100, ge=1, le=10_000, alias="CITYGRAPH_MAX_PAGE_SIZE")
    # Neo4j stops a read running longer (a transaction timeout): no request can hold the database. Writes
    # (imports: thousands of rows a batch, slower on a busy machine) get their own, wider bound.
    query_timeout_s: float = Field(default=10.0, gt=0, le=3600, alias="CITYGRAPH_QUERY_TIMEOUT_S")
    write_timeout_s: float = Field(default=600.0, gt=0, le=86_400, alias="CITYGRAPH_WRITE_TIMEOUT_S")
    # The lease of the import lock (docs/importing.md): a killed loader's lock is free after this long.
    import_lock_ttl_s: float = Field(default=60.0, ge=1, le=3600, alias="CITYGRAPH_IMPORT_LOCK_TTL_S")
    # Bundles with more rows are staged, then published in one final transaction (docs/importing.md).
    import_max_transaction_rows: int = Field(default=50_000, ge=1, alias="CITYGRAPH_IMPORT_MAX_TRANSACTION_ROWS")
    # Request limits, see docs/limits.md: estimated fields per response, and bytes per request body.
    max_cost: int = Field(default=20_000, ge=1, alias="CITYGRAPH_MAX_COST")
    max_body_bytes: int = Field(default=65_536, ge=1_024, alias="CITYGRAPH_MAX_BODY_BYTES")
    # The response cache (docs/response-cache.md): its memory in MB, 0 turns it off; and how often (ms) each
    # API process re-reads the graph version, the bound on seeing another process's write.
    cache_mb: float = Field(default=64, ge=0, le=65_536, alias="CITYGRAPH_CACHE_MB")
    cache_version_check_ms: int = Field(default=200, ge=0, le=60_000, alias="CITYGRAPH_CACHE_VERSION_CHECK_MS")
    # Plain entity queries answered by one Cypher statement, skipping per-field execution (docs/fastpath.md).
    fastpath: bool = Field(default=True, alias="CITYGRAPH_FASTPATH")
    # NoDecode: the env value may be plain "48,72,302" as well as JSON; _split_prefixes reads both.
    it_cpv_prefixes: Annotated[tuple[str, ...], NoDecode] = Field(
        default=DEFAULT_IT_CPV_PREFIXES, alias="CITYGRAPH_IT_CPV_PREFIXES"
    )
    # Mutations per signed-in caller, "N/second|minute|hour|day" (docs/writing.md#rate-limit).
    write_rate: str = Field(default="60/minute", alias="CITYGRAPH_WRITE_RATE")

    @field_validator("write_rate")
    @classmethod
    def _check_write_rate(cls, value: str) -> str:
        try:
            limits.parse(value)
        except ValueError:
            raise ValueError(f'must be a rate like "60/minute" (got {value!r})') from None
        return value

    # Sign-in (docs/signin.md). Off: anonymous callers get 401 instead of the public facts.
    public_read: bool = Field(default=True, alias="CITYGRAPH_PUBLIC_READ")
    # OpenID Connect: all three set to accept the identity provider's JWTs; unset, only API keys sign in.
    oidc_issuer: str | None = Field(default=None, alias="CITYGRAPH_OIDC_ISSUER")
    oidc_audience: str | None = Field(default=None, alias="CITYGRAPH_OIDC_AUDIENCE")
    oidc_jwks_url: str | None = Field(default=None, alias="CITYGRAPH_OIDC_JWKS_URL")
    oidc_role_claim: str = Field(default="citygraph_role", alias="CITYGRAPH_OIDC_ROLE_CLAIM")
    oidc_boroughs_claim: str = Field(default="citygraph_boroughs", alias="CITYGRAPH_OIDC_BOROUGHS_CLAIM")
    oidc_name_claim: str = Field(default="sub", alias="CITYGRAPH_OIDC_NAME_CLAIM")
    # Browser origins allowed to call the API from their pages (CORS), comma-separated; empty: none.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(default=(), alias="CITYGRAPH_CORS_ORIGINS")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(origin.strip().rstrip("/") for origin in value.split(",") if origin.strip())
        return value

    @model_validator(mode="after")
    def _oidc_all_or_none(self) -> "Settings":
        oidc = (self.oidc_issuer, self.oidc_audience, self.oidc_jwks_url)
        if any(oidc) and not all(oidc):
            raise ValueError(
                "CITYGRAPH_OIDC_ISSUER, CITYGRAPH_OIDC_AUDIENCE and CITYGRAPH_OIDC_JWKS_URL go together: set all three "
                "to accept tokens, or none"
            )
        return self

    @field_validator("it_cpv_prefixes", mode="before")
    @classmethod
    def _split_prefixes(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if not text:  # an empty variable means "not set", not "nothing is IT"
                return DEFAULT_IT_CPV_PREFIXES
            items = json.loads(text) if text.startswith("[") else text.split(",")
            return tuple(str(item).strip() for item in items if str(item).strip())
        return value

    @property
    def embedded(self) -> bool:
        return self.neo4j_uri is None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
