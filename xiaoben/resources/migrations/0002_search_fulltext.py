"""The full-text index over SearchEntry.tokens, one per database vendor.

SQLite: an external-content FTS5 table kept in step by triggers.
PostgreSQL: a generated tsvector column (the jieba tokens as lexemes, no parser) and a GIN index.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE resources_searchentry_fts USING fts5(tokens, content='resources_searchentry', content_rowid='id')",
    """CREATE TRIGGER resources_searchentry_ai AFTER INSERT ON resources_searchentry BEGIN
        INSERT INTO resources_searchentry_fts(rowid, tokens) VALUES (new.id, new.tokens); END""",
    """CREATE TRIGGER resources_searchentry_ad AFTER DELETE ON resources_searchentry BEGIN
        INSERT INTO resources_searchentry_fts(resources_searchentry_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END""",
    """CREATE TRIGGER resources_searchentry_au AFTER UPDATE ON resources_searchentry BEGIN
        INSERT INTO resources_searchentry_fts(resources_searchentry_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens);
        INSERT INTO resources_searchentry_fts(rowid, tokens) VALUES (new.id, new.tokens); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS resources_searchentry_au",
    "DROP TRIGGER IF EXISTS resources_searchentry_ad",
    "DROP TRIGGER IF EXISTS resources_searchentry_ai",
    "DROP TABLE IF EXISTS resources_searchentry_fts",
]
POSTGRES_UP = [
    """ALTER TABLE resources_searchentry ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (array_to_tsvector(string_to_array(tokens, ' '))) STORED""",
    "CREATE INDEX resources_searchentry_tsv ON resources_searchentry USING gin (tsv)",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS resources_searchentry_tsv", "ALTER TABLE resources_searchentry DROP COLUMN IF EXISTS tsv"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
