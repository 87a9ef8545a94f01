from sqlalchemy import text
from sqlalchemy.orm import Session


def by_name(session: Session, name: str):
    # ruleid: python-sqlalchemy-text-format
    return session.execute(text(f"SELECT * FROM users WHERE name = '{name}'"))


def by_role(session: Session, role: str):
    stmt = "SELECT * FROM users WHERE role = '%s'" % role  # noqa: UP031
    # ruleid: python-sqlalchemy-text-format
    return session.execute(text(stmt))


def by_table(session: Session, table: str):
    # ruleid: python-sqlalchemy-text-format
    return session.execute(text("SELECT COUNT(*) FROM " + table))


def by_name_safe(session: Session, name: str):
    # ok: python-sqlalchemy-text-format
    return session.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name})


def constant(session: Session):
    # ok: python-sqlalchemy-text-format
    return session.execute(text("SELECT 1 " + "FROM dual"))
