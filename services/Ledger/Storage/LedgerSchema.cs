using Npgsql;

namespace Bpdp.Ledger.Storage;

/// <summary>
/// Creates the ledger's tables with an owner's connection and makes them append-only twice over:
/// triggers refuse UPDATE, DELETE and TRUNCATE for everyone, and the service's role is granted only
/// INSERT and SELECT. Idempotent.
/// </summary>
public static class LedgerSchema
{
    public static async Task Apply(NpgsqlDataSource owner, string schema, string role, CancellationToken cancel = default)
    {
        Identifier.Require(schema);
        Identifier.Require(role);
        await using var command = owner.CreateCommand($$"""
            CREATE SCHEMA IF NOT EXISTS {{schema}};
            CREATE TABLE IF NOT EXISTS {{schema}}.ledger_entries (
                seq           bigint      PRIMARY KEY CHECK (seq >= 1),
                message_id    uuid        NOT NULL UNIQUE,
                deployment_id uuid        NOT NULL,
                message_type  text        NOT NULL,
                occurred_at   timestamptz NOT NULL,
                recorded_at   timestamptz NOT NULL,
                payload       text        NOT NULL,
                prev_hash     text        NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
                hash          text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'));
            CREATE INDEX IF NOT EXISTS ledger_entries_by_deployment ON {{schema}}.ledger_entries (deployment_id, seq);
            CREATE TABLE IF NOT EXISTS {{schema}}.ledger_checkpoints (
                seq        bigint      PRIMARY KEY,
                hash       text        NOT NULL,
                signed_at  timestamptz NOT NULL,
                key_id     text        NOT NULL,
                signature  text        NOT NULL);
            CREATE OR REPLACE FUNCTION {{schema}}.ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the ledger is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME;
            END $$;
            CREATE OR REPLACE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON {{schema}}.ledger_entries
                FOR EACH ROW EXECUTE FUNCTION {{schema}}.ledger_refuse_change();
            CREATE OR REPLACE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON {{schema}}.ledger_entries
                FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.ledger_refuse_change();
            CREATE OR REPLACE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON {{schema}}.ledger_checkpoints
                FOR EACH ROW EXECUTE FUNCTION {{schema}}.ledger_refuse_change();
            CREATE OR REPLACE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON {{schema}}.ledger_checkpoints
                FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.ledger_refuse_change();
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{{role}}') THEN CREATE ROLE {{role}} LOGIN; END IF;
            END $$;
            REVOKE ALL ON {{schema}}.ledger_entries, {{schema}}.ledger_checkpoints FROM {{role}};
            GRANT USAGE ON SCHEMA {{schema}} TO {{role}};
            GRANT SELECT, INSERT ON {{schema}}.ledger_entries, {{schema}}.ledger_checkpoints TO {{role}};
            """);
        await command.ExecuteNonQueryAsync(cancel);
    }
}
