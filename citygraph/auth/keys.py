"""API keys: created by an administrator on the command line (`citygraph keys create`), shown once, stored
in Neo4j only as a hash (`:ApiKey {name, role, boroughs, hash, prefix, createdAt, revokedAt}`). See
docs/signin.md."""

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from citygraph.auth.principal import Principal, Role
from citygraph.graph.database import Database

KEY_PREFIX = "cg_"  # tells a key from a JWT at a glance, and lets secret scanners recognise leaked keys
PREFIX_CHARS = len(KEY_PREFIX) + 8  # what `keys list` shows and `keys revoke` accepts: "cg_" + 8 random chars
MAX_NAME_CHARS = 200


class KeyRefused(ValueError):
    """A key command that cannot be done as asked; the message says what and why (one line for the CLI)."""


def hash_key(key: str) -> str:
    # A plain SHA-256, not a slow password hash (bcrypt, argon2): a key is 32 random bytes (256 bits), so
    # there is no dictionary to guess from and brute force is hopeless whatever the hash speed. A fast hash
    # also lets sign-in find the key by an indexed equality lookup, which salted password hashes cannot.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def looks_like_key(token: str) -> bool:
    return token.startswith(KEY_PREFIX)


@dataclass(frozen=True)
class KeyInfo:
    """What `keys list` shows: never the key, never its hash."""

    name: str
    prefix: str
    role: Role
    boroughs: tuple[str, ...]
    created_at: dt.datetime
    revoked_at: dt.datetime | None


async def create_key(db: Database, name: str, role: Role, boroughs: Sequence[str]) -> str:
    """Stores a new key's hash and returns the key itself, which is never stored: the caller shows it once.
    An editor needs at least one borough, each a council in the graph; member and admin keys take none."""
    name = " ".join(name.split())  # one spelling per name: "Merton  team" and "Merton team" are the same
    if not name:
        raise KeyRefused("A key needs a name (--name), e.g. \"Merton digital team\".")
    if len(name) > MAX_NAME_CHARS:
        raise KeyRefused(f"The name is {len(name)} characters long; at most {MAX_NAME_CHARS}.")
    if role is Role.ANONYMOUS:
        raise KeyRefused("A key's role is member, editor or admin.")
    codes = sorted({code.strip().upper() for code in boroughs if code.strip()})
    if role is Role.EDITOR and not codes:
        raise KeyRefused("An editor key needs at least one --borough (the GSS code of a council it may change).")
    if role is not Role.EDITOR and codes:
        raise KeyRefused(f"Only editor keys are limited to boroughs; a {role} key takes no --borough.")
    if codes:
        found = {row["key"] for row in await db.read("boroughs_by_code", keys=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise KeyRefused(
                f"Unknown borough code(s) {', '.join(unknown)}: no council with that code is in the graph "
                "(see `citygraph cypher 'MATCH (b:Borough) RETURN b.code, b.name'`)."
            )
    key = KEY_PREFIX + secrets.token_urlsafe(32)  # 32 random bytes from the OS's CSPRNG
    [row] = await db.write(
        "api_key_create", name=name, role=str(role), boroughs=codes, hash=hash_key(key), prefix=key[:PREFIX_CHARS]
    )
    if not row["created"]:
        raise KeyRefused(f'A key named "{name}" exists already (names are never reused): choose another name.')
    return key


async def principal_for_key(db: Database, key: str) -> Principal | None:
    """The caller a live key stands for; None for an unknown or revoked key."""
    rows = await db.read("api_key_by_hash", hash=hash_key(key))
    if not rows:
        return None
    row = rows[0]
    return Principal(name=row["name"], role=Role(row["role"]), boroughs=frozenset(row["boroughs"] or ()))


async def list_keys(db: Database) -> list[KeyInfo]:
    return [
        KeyInfo(
            row["name"], row["prefix"], Role(row["role"]), tuple(row["boroughs"] or ()), row["createdAt"],
            row["revokedAt"],
        )  # fmt: skip
        for row in await db.read("api_keys_list")
    ]


async def revoke_key(db: Database, ref: str) -> str:
    """Revokes the key named `ref` or shown with the prefix `ref`; returns its name. Sign-in stops accepting
    it within signin.KEY_CACHE_TTL_S seconds in every API process."""
    ref = " ".join(ref.split())
    matching = await db.read("api_keys_matching", ref=ref)
    live = [row for row in matching if row["active"]]
    if len(live) > 1:
        names = ", ".join(f'"{row["name"]}" ({row["prefix"]}…)' for row in live)
        raise KeyRefused(f'"{ref}" matches {len(live)} keys: {names}. Give the full name or prefix of one.')
    if not live:
        if matching:
            revoked = matching[0]
            raise KeyRefused(f'The key "{revoked["name"]}" was revoked already, at {revoked["revokedAt"]:%Y-%m-%d %H:%M} UTC.')
        raise KeyRefused(f'No key is named "{ref}" or starts with it (see `citygraph keys list`).')
    rows = await db.write("api_key_revoke", ref=ref)
    return str(rows[0]["name"]) if rows else str(live[0]["name"])
