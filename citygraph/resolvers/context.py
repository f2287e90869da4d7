"""What every resolver receives: the database, this request's loaders, its id, its trace and its caller."""

from dataclasses import dataclass

from citygraph.auth.principal import ANONYMOUS, Principal

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
    principal: Principal = ANONYMOUS  # who is asking (citygraph/auth/); anonymous until sign-in says otherwise
