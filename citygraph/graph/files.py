"""Reading input files defensively, for every importer (docs/importing.md, "Limits").

Whatever is wrong with a file — a folder where a file should be, a symbolic link loop, a FIFO, no
permission, an I/O error, more than `MAX_FILE_BYTES`, bytes that are not UTF-8, JSON that is broken or nested
deeper than an importer accepts — ends in `UnreadableFile`, whose message is one line saying why. Nothing
here raises anything else for a bad file, so an importer needs exactly one `except`.

    try:
        text = read_text(path)                 # or read_bytes(path), or read_json(path, max_depth=32)
    except UnreadableFile as error:
        report(f"{path.name}: {error.reason}")   # str(error) is "<path>: <reason>"
"""

import errno
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 1 << 30  # 1 GiB: everything an importer reads is held in memory at once
MAX_NUMBER_DIGITS = 1000  # a longer JSON number is refused before Python spends quadratic time on it


class UnreadableFile(Exception):
    """A file that cannot be used at all. `reason` is one line; `line` the 1-based line it concerns, if any."""

    def __init__(self, path: Path, reason: str, line: int | None = None):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


def _os_reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "is a symbolic link loop (or a chain of more than 40 links)"
    if error.errno == errno.EISDIR:
        return "is a folder, not a file"
    if error.errno == errno.ENOENT:
        return "does not exist (or is a symbolic link to nothing)"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied"
    return f"cannot be read: {error.strerror or error}"


def read_bytes(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The whole content of a regular file (symbolic links followed). Raises UnreadableFile otherwise."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the fstat below then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise UnreadableFile(path, _os_reason(error)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile(path, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(path, "is not a regular file (a device, FIFO or socket)")
        if info.st_size > limit:
            raise UnreadableFile(path, f"is {info.st_size:,} bytes; the most an import reads is {limit:,}")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(limit + 1)  # st_size is 0 for /proc files and may change under us
    except OSError as error:
        raise UnreadableFile(path, _os_reason(error)) from None
    finally:
        os.close(fd)
    if len(raw) > limit:
        raise UnreadableFile(path, f"is more than {limit:,} bytes; the most an import reads is {limit:,}")
    return raw


def decode_utf8(path: Path, raw: bytes) -> str:
    """`raw` as UTF-8 text, without a leading byte order mark (Excel's "CSV UTF-8" writes one)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise UnreadableFile(path, f"not UTF-8 (byte 0x{raw[error.start]:02x})", line) from None


def read_text(path: Path, *, limit: int = MAX_FILE_BYTES) -> str:
    """A UTF-8 text file's content (see read_bytes and decode_utf8)."""
    return decode_utf8(path, read_bytes(path, limit=limit))


class _NumberTooLong(ValueError):
    pass


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _NumberTooLong(text)
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _NumberTooLong(text)
    return float(text)  # 1e999 is inf: the importer reports it where it is used


def read_json(path: Path, *, max_depth: int, limit: int = MAX_FILE_BYTES) -> Any:
    """A JSON document (UTF-8, -16 or -32) whose arrays and objects nest at most `max_depth` deep.

    NaN and Infinity are accepted as Python accepts them (floats): an importer must check numbers it uses."""
    raw = read_bytes(path, limit=limit)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        value = json.loads(raw, parse_int=_parse_int, parse_float=_parse_float)
    except RecursionError:
        # The parser recurses: very deep input exhausts Python's stack before any limit of ours applies.
        raise UnreadableFile(
            path, f"nested too deeply at {_deep_path_in_text(raw, max_depth)} (more than {max_depth} levels)"
        ) from None
    except _NumberTooLong as error:
        raise UnreadableFile(path, f"has a number of more than {MAX_NUMBER_DIGITS:,} characters ({str(error)[:20]}…)")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise UnreadableFile(path, f"not UTF-8 (byte 0x{raw[error.start]:02x} on line {line})", line) from None
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        raise UnreadableFile(path, message, error.lineno) from None
    except ValueError as error:  # e.g. an encoding json.loads cannot detect
        raise UnreadableFile(path, f"not valid JSON: {error}") from None
    deep = too_deep(value, max_depth)
    if deep is not None:
        raise UnreadableFile(path, f"nested too deeply at {deep} (more than {max_depth} levels)")
    return value


def json_path(parts: list[str | int]) -> str:
    """["releases", 3, "awards"] -> "releases[3].awards" (the root is "$")."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "$"


def too_deep(value: Any, max_depth: int) -> str | None:
    """The JSON path of the first array or object nested deeper than `max_depth`, or None. Iterative, so
    any depth is safe; level by level, which is the fastest plain-Python walk (no tuple per value)."""
    level = [value] if isinstance(value, (dict, list)) else []
    depth = 1
    while level:
        if depth > max_depth:
            return _path_to_depth(value, max_depth)
        below = []
        for item in level:
            for child in item.values() if isinstance(item, dict) else item:
                if isinstance(child, (dict, list)):
                    below.append(child)
        level = below
        depth += 1
    return None


def _path_to_depth(value: Any, max_depth: int) -> str:
    """Second pass, only when something is too deep: the same walk, keeping paths."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        item, path = stack.pop()
        if len(path) >= max_depth:
            return json_path(path)
        if isinstance(item, dict):
            stack.extend((v, [*path, str(k)]) for k, v in item.items() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(item) if isinstance(v, (dict, list)))
    return "$"


_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}:,]', re.DOTALL)


def _deep_path_in_text(raw: bytes, max_depth: int) -> str:
    """Where text too deep for the parser first goes deeper than `max_depth`, found by scanning tokens."""
    path: list[str | int] = []
    kinds: list[bytes] = []
    last_string = ""
    for match in _TOKEN.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            if len(kinds) >= max_depth:
                return json_path(path)
            kinds.append(token)
            path.append(0 if token == b"[" else "")
        elif token in (b"]", b"}"):
            if kinds:
                kinds.pop()
                path.pop()
        elif token == b",":
            if kinds and kinds[-1] == b"[":
                path[-1] = int(path[-1]) + 1
        elif token == b":":
            if kinds and kinds[-1] == b"{":
                path[-1] = last_string
        else:
            last_string = token[1:-1].decode("utf-8", "replace")[:100]
    return json_path(path)
