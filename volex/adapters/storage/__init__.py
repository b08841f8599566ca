"""SQLAlchemy storage: SQLite by default, PostgreSQL (+TimescaleDB) by configuration."""
