import sqlite3


def delete_user(cursor: sqlite3.Cursor, user_id: str) -> None:
    # ruleid: python-sql-injection-concat
    cursor.execute("DELETE FROM users WHERE id = " + user_id)


def search(cursor: sqlite3.Cursor, term: str) -> list:
    # ruleid: python-sql-injection-concat
    cursor.execute("SELECT * FROM items WHERE title LIKE '%" + term + "%' ORDER BY id")
    return cursor.fetchall()


def filter_rows(cursor: sqlite3.Cursor, column: str) -> list:
    sql = "SELECT * FROM items"
    sql += " WHERE " + column + " IS NOT NULL"
    # ruleid: python-sql-injection-concat
    cursor.execute(sql)
    return cursor.fetchall()


def delete_user_safe(cursor: sqlite3.Cursor, user_id: str) -> None:
    # ok: python-sql-injection-concat
    cursor.execute("DELETE FROM users WHERE id = ?", (user_id,))


def long_constant_query(cursor: sqlite3.Cursor) -> list:
    # ok: python-sql-injection-concat
    cursor.execute("SELECT id, name FROM users " + "WHERE active = 1")
    return cursor.fetchall()


def run_step(pipeline, step: str) -> None:
    # ok: python-sql-injection-concat
    pipeline.execute("step-" + step)
