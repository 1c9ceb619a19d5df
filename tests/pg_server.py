"""The throwaway PostgreSQL server of the tests: the one `make cluster` starts (deploy/pg_server.py)."""

from deploy.pg_server import PG_BIN, PostgresServer, free_port

__all__ = ["PG_BIN", "PostgresServer", "free_port"]
