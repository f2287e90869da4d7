"""What every resolver receives: the database, this request's loaders, its id and its trace."""

from dataclasses import dataclass

from citygraph.graph.database import Database, Trace
from citygraph.graph.settings import Settings
from citygraph.loaders import Loaders


@dataclass
class Context:
    db: Database
    settings: Settings
    loaders: Loaders
    request_id: str
    trace: Trace | None
