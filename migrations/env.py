"""Alembic environment: migrates the database given in the config, using the app's engine settings."""

from alembic import context
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from domain.db import engine_for
from domain.settings import database_url

config = context.config
url = config.get_main_option("sqlalchemy.url") or database_url()
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or engine_for(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite alters tables by copying them
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
