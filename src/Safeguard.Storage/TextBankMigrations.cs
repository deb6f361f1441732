// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Storage;

/// <summary>
/// Schema step 3, text banks and text checks, in both dialects: the bank kind (hash, url,
/// keyword; existing banks are hash banks), what a recorded check was made from and in which
/// context, the text of checks routed to review, and each text hit's span.
/// Never edit a shipped step: add one.
/// </summary>
internal static class TextBankMigrations
{
    private const string Name = "text banks: bank kind, check input, context and review text, hit spans";

    public static Migration Sqlite { get; } = new(3, Name, """
        ALTER TABLE banks ADD COLUMN kind TEXT NOT NULL DEFAULT 'hash';
        ALTER TABLE checks ADD COLUMN input TEXT NULL;
        ALTER TABLE checks ADD COLUMN context TEXT NULL;
        ALTER TABLE checks ADD COLUMN review_text TEXT NULL;
        ALTER TABLE check_matches ADD COLUMN span_start INTEGER NULL;
        ALTER TABLE check_matches ADD COLUMN span_end INTEGER NULL;
        """);

    public static Migration Postgres { get; } = new(3, Name, """
        ALTER TABLE banks ADD COLUMN kind TEXT NOT NULL DEFAULT 'hash';
        ALTER TABLE checks ADD COLUMN input TEXT NULL;
        ALTER TABLE checks ADD COLUMN context TEXT NULL;
        ALTER TABLE checks ADD COLUMN review_text TEXT NULL;
        ALTER TABLE check_matches ADD COLUMN span_start INTEGER NULL;
        ALTER TABLE check_matches ADD COLUMN span_end INTEGER NULL;
        """);
}
