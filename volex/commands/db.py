"""`volex db`: apply migrations, and copy a SQLite store into PostgreSQL."""

from __future__ import annotations

import typer

from volex.commands.common import console, json_option, print_json, volex

__all__ = ["register"]

db_app = typer.Typer(help="Database migrations and moving to PostgreSQL.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade(ctx: typer.Context, as_json: bool = json_option()) -> None:
    """Apply pending migrations to the configured database (VOLEX_DATABASE_URL)."""
    result = volex(ctx).db_upgrade()
    if as_json:
        print_json(result)
        return
    if result["before"] == result["after"]:
        console.print(f"{result['database']}: already up to date ({', '.join(result['after'])})")
    else:
        console.print(f"{result['database']}: upgraded {', '.join(result['before']) or '(empty)'} "
                      f"-> {', '.join(result['after'])}")
    if result["timescale"]:
        console.print(result["timescale"])


@db_app.command("check")
def check(ctx: typer.Context, as_json: bool = json_option("Print JSON.")) -> None:
    """Check the store's integrity (SQLite integrity_check); exit 1 if it is damaged."""
    from volex.errors import CorruptStore

    result = volex(ctx).db_check()
    if as_json:
        print_json(result)
    elif result["ok"]:
        console.print(f"{result['database']}: integrity ok")
    else:
        for problem in result["problems"]:
            console.print(f"  {problem}", markup=False)
    if not result["ok"]:
        raise CorruptStore(result["message"])


@db_app.command("migrate-from")
def migrate_from(
    ctx: typer.Context,
    source: str = typer.Argument(..., help="The SQLite store to copy: sqlite:///path/volex.db or a path."),
    merge: bool = typer.Option(False, "--merge", help="Copy into a database that already has data, keeping its rows."),
    as_json: bool = json_option(),
) -> None:
    """Copy every table of a SQLite store into the configured database (e.g. PostgreSQL)."""
    report = volex(ctx).db_migrate_from(source, merge=merge)
    if as_json:
        print_json({"source": report.source, "target": report.target,
                    "tables": {t: {"read": r, "written": w} for t, (r, w) in report.tables.items()}})
        return
    from rich.table import Table

    table = Table("Table", "Rows read", "Rows written")
    for name, (read, written) in report.tables.items():
        table.add_row(name, f"{read:,}", f"{written:,}")
    console.print(table)
    console.print(f"copied {report.rows_written:,} rows from {report.source} to {report.target}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
