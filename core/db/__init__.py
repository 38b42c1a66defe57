"""The database layer: Piccolo tables, migrations and queries. Nothing else touches the ORM."""

import os

os.environ.setdefault("PICCOLO_CONF", "core.db.piccolo_conf")
