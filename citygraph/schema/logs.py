"""Server logs (docs/operations.md): uvicorn's and CityGraph's loggers on stderr, as text (uvicorn's own look)
or as JSON, one object per line. Every line carries the request id of the request it belongs to
(`request_id`, "-" outside a request), the access log included.

The request id comes from a context variable that RequestMetrics sets for each request: uvicorn writes its
access line from inside the app's `send`, so it runs in the request's context and sees the id."""

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from typing import Any

LOG_FORMATS = ("text", "json")

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("citygraph_request_id", default="-")
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def safe_request_id(given: str) -> str:
    """The client's X-Request-ID when it is safe to put into logs and error messages, else a new one."""
    return given if SAFE_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]

# uvicorn's access records carry these as record.args (uvicorn.protocols.http.*: access_logger.info(...)).
ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id; the traceback
    as `exception`; and for uvicorn's access lines client, method, path, http_version and status."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            entry.update(zip(ACCESS_FIELDS, record.args, strict=True))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


def log_config(log_format: str, level: str) -> dict[str, Any]:
    """A logging.config.dictConfig for uvicorn.run(log_config=…): uvicorn's loggers and `citygraph` (the
    API's errors, readiness changes) to stderr, each record once (no propagation to the root logger)."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)} (got {log_format!r})")
    if log_format == "json":
        formatters: dict[str, Any] = {
            "default": {"()": "citygraph.schema.logs.JsonFormatter"},
            "access": {"()": "citygraph.schema.logs.JsonFormatter"},
        }
    else:
        formatters = {
            "default": {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(levelprefix)s %(message)s"},
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s request_id=%(request_id)s',
            },
        }
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "filters": ["request_id"]}
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "citygraph.schema.logs.RequestIdFilter"}},
        "formatters": formatters,
        "handlers": {"default": {**handler, "formatter": "default"}, "access": {**handler, "formatter": "access"}},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
            "citygraph": {"handlers": ["default"], "level": level, "propagate": False},
        },
    }
