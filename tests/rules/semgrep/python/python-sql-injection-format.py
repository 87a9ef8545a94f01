import sqlite3


def find_user_fstring(cursor: sqlite3.Cursor, user_id: str) -> list:
    # ruleid: python-sql-injection-format
    cursor.execute(f"SELECT * FROM users WHERE id = {user_id}")
    return cursor.fetchall()


def find_user_percent(cursor: sqlite3.Cursor, name: str) -> list:
    # ruleid: python-sql-injection-format
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)  # noqa: UP031
    return cursor.fetchall()


def find_user_format(conn: sqlite3.Connection, email: str) -> None:
    # ruleid: python-sql-injection-format
    conn.execute("DELETE FROM users WHERE email = '{}'".format(email))  # noqa: UP032


def find_user_via_variable(cursor: sqlite3.Cursor, order: str) -> list:
    query = f"SELECT id, name FROM users ORDER BY {order}"
    # ruleid: python-sql-injection-format
    cursor.execute(query)
    return cursor.fetchall()


def find_user_safe(cursor: sqlite3.Cursor, user_id: str) -> list:
    # ok: python-sql-injection-format
    cursor.execute("SELECT * FROM users WHERE id = ?", (user_id,))
    return cursor.fetchall()


def find_user_safe_variable(cursor: sqlite3.Cursor, name: str) -> list:
    query = "SELECT * FROM users WHERE name = %s"
    # ok: python-sql-injection-format
    cursor.execute(query, (name,))
    return cursor.fetchall()


def constant_fstring(cursor: sqlite3.Cursor) -> None:
    # ok: python-sql-injection-format
    cursor.execute(f"SELECT COUNT(*) FROM users")  # noqa: F541


def not_sql(executor, job_name: str) -> None:
    # ok: python-sql-injection-format
    executor.execute(f"run-job {job_name}")
