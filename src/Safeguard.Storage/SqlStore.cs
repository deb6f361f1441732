// SPDX-License-Identifier: Apache-2.0
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Safeguard.Banks;
using Safeguard.Checks;
using Safeguard.Records;
using Safeguard.Security;

namespace Safeguard.Storage;

/// <summary>
/// The store over plain ADO.NET. Both databases accept the same SQL for everything but the schema
/// (times are Unix milliseconds, ids come back through <c>RETURNING</c>, upserts use
/// <c>ON CONFLICT</c>), so the dialects differ only in how a connection opens, how writers are
/// serialised and how other nodes are woken.
/// </summary>
/// <remarks>
/// Every change to banks, entries and keys runs in one write transaction that also appends the
/// audit entry and, for banks and entries, a change-feed row. Writers are serialised (SQLite:
/// <c>BEGIN IMMEDIATE</c>; PostgreSQL: a transaction-scoped advisory lock), which keeps the audit
/// chain linear and makes change-feed ids commit in order, so a reader that has seen id N has seen
/// every change before it.
/// </remarks>
public abstract partial class SqlStore : ISafeguardStore
{
    private const string EntryColumns = "id, bank_id, kind, value, external_id, labels, note, added_by, added_at, disabled_until, deleted_at";
    private const string BankColumns = "id, name, description, source, category, pdq_radius, enabled, action, created_at, updated_at, shadow, kind";
    private const string KeyColumns = "id, name, token_prefix, scopes, rate_limit_per_second, created_at, revoked_at";


    /// <summary>Creates a store that reads the time from <paramref name="time"/>.</summary>
    protected SqlStore(TimeProvider time) => Time = time ?? TimeProvider.System;

    /// <summary>The clock for every stored time.</summary>
    protected TimeProvider Time { get; }

    /// <inheritdoc/>
    public abstract string Provider { get; }

    /// <summary>The schema steps in this store's dialect.</summary>
    public abstract IReadOnlyList<Migration> Migrations { get; }

    /// <summary>
    /// Rows per INSERT statement in bulk adds. Over the network one statement per 500 rows saves round
    /// trips; in-process SQLite is fastest with a one-row statement prepared once, because it binds
    /// parameters by name with a linear search (many parameters per statement cost quadratic time).
    /// </summary>
    protected virtual int RowsPerInsert => 500;

    /// <summary>Opens a connection ready for use.</summary>
    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Begins a transaction that holds the store's single writer lock until it ends.</summary>
    protected abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct);

    /// <summary>Called inside a write transaction that added change-feed rows; wakes other nodes on commit.</summary>
    protected virtual Task NotifyChangeAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct) => Task.CompletedTask;

    /// <inheritdoc/>
    public virtual Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        Task.Delay(timeout, Time, cancellationToken);

    /// <inheritdoc/>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    // ---------------------------------------------------------------- schema

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await BeginWriteAsync(c, cancellationToken).ConfigureAwait(false);
        await Db.ExecuteAsync(c, tx, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                sql_sha256 TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )
            """, cancellationToken).ConfigureAwait(false);
        var applied = new Dictionary<int, string>();
        await using (var read = Db.Command(c, tx, "SELECT version, sql_sha256 FROM schema_version ORDER BY version"))
        await using (var r = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied[r.GetInt32(0)] = r.GetString(1);
            }
        }
        int newest = Migrations[^1].Version;
        int current = applied.Count == 0 ? 0 : applied.Keys.Max();
        if (current > newest)
        {
            throw new SchemaMismatchException($"the {Provider} database has schema version {current}, newer than this build of Safeguard knows ({newest}); upgrade Safeguard");
        }
        foreach (var m in Migrations)
        {
            if (applied.TryGetValue(m.Version, out var sha))
            {
                if (!string.Equals(sha, m.Sha256, StringComparison.Ordinal))
                {
                    throw new SchemaMismatchException($"schema step {m.Version} ({m.Name}) was applied from different SQL than this build has; shipped migrations must never change");
                }
                continue;
            }
            await Db.ExecuteAsync(c, tx, m.Sql, cancellationToken).ConfigureAwait(false);
            await Db.ExecuteAsync(c, tx, "INSERT INTO schema_version (version, name, sql_sha256, applied_at) VALUES (@v, @n, @s, @t)", cancellationToken,
                ("@v", m.Version), ("@n", m.Name), ("@s", m.Sha256), ("@t", Now())).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return (int)await Db.ScalarInt64Async(c, null, "SELECT MAX(version) FROM schema_version", cancellationToken).ConfigureAwait(false);
        }
        catch (DbException)
        {
            return 0;
        }
    }

    /// <inheritdoc/>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await Db.ScalarInt64Async(c, null, "SELECT 1", cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (DbException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // ---------------------------------------------------------------- banks

    /// <inheritdoc/>
    public Task<Bank> CreateBankAsync(BankDraft draft, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        return WriteAsync(async w =>
        {
            if (await w.ScalarAsync("SELECT COUNT(*) FROM banks WHERE name = @n", ("@n", draft.Name)).ConfigureAwait(false) > 0)
            {
                throw new StoreConflictException($"a bank named '{draft.Name}' already exists");
            }
            long now = Now();
            long id = await w.ScalarAsync("""
                INSERT INTO banks (name, description, source, category, pdq_radius, enabled, action, created_at, updated_at, shadow, kind)
                VALUES (@name, @description, @source, @category, @radius, @enabled, @action, @now, @now, @shadow, @kind) RETURNING id
                """,
                ("@name", draft.Name), ("@description", draft.Description), ("@source", draft.Source), ("@category", draft.Category),
                ("@radius", draft.PdqRadius), ("@enabled", draft.Enabled), ("@action", draft.Action.ToText()), ("@now", now), ("@shadow", draft.Shadow), ("@kind", draft.Kind.ToText())).ConfigureAwait(false);
            var bank = new Bank(id, draft.Name, draft.Description, draft.Source, draft.Category, draft.PdqRadius, draft.Enabled, draft.Action, Db.FromUnixMs(now), Db.FromUnixMs(now))
            {
                Shadow = draft.Shadow,
                Kind = draft.Kind,
            };
            await w.AuditAsync("bank.created", BankPayload(actor, bank)).ConfigureAwait(false);
            await w.ChangeAsync(id, BankChangeKind.Bank, 0, 0).ConfigureAwait(false);
            return bank;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Bank>> ListBanksAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync($"SELECT {BankColumns} FROM banks ORDER BY name", ReadBank, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task<Bank?> GetBankAsync(string name, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {BankColumns} FROM banks WHERE name = @n", ReadBank, cancellationToken, ("@n", name)).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async Task<Bank?> GetBankByIdAsync(long id, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {BankColumns} FROM banks WHERE id = @id", ReadBank, cancellationToken, ("@id", id)).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public Task<Bank?> UpdateBankAsync(string name, BankPatch patch, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return WriteAsync(async w =>
        {
            var old = (await w.QueryAsync($"SELECT {BankColumns} FROM banks WHERE name = @n", ReadBank, ("@n", name)).ConfigureAwait(false)).FirstOrDefault();
            if (old is null)
            {
                return null;
            }
            var bank = old with
            {
                Description = patch.Description ?? old.Description,
                Source = patch.Source ?? old.Source,
                Category = patch.Category ?? old.Category,
                PdqRadius = patch.PdqRadius ?? old.PdqRadius,
                Enabled = patch.Enabled ?? old.Enabled,
                Action = patch.Action ?? old.Action,
                Shadow = patch.Shadow ?? old.Shadow,
                UpdatedAt = Db.FromUnixMs(Now()),
            };
            await w.ExecuteAsync("""
                UPDATE banks SET description = @description, source = @source, category = @category, pdq_radius = @radius,
                    enabled = @enabled, action = @action, updated_at = @now, shadow = @shadow WHERE id = @id
                """,
                ("@description", bank.Description), ("@source", bank.Source), ("@category", bank.Category), ("@radius", bank.PdqRadius),
                ("@enabled", bank.Enabled), ("@action", bank.Action.ToText()), ("@now", Db.ToUnixMs(bank.UpdatedAt)), ("@shadow", bank.Shadow), ("@id", bank.Id)).ConfigureAwait(false);
            await w.AuditAsync("bank.updated", BankPayload(actor, bank)).ConfigureAwait(false);
            await w.ChangeAsync(bank.Id, BankChangeKind.Bank, 0, 0).ConfigureAwait(false);
            return bank;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteBankAsync(string name, string actor, CancellationToken cancellationToken = default) =>
        WriteAsync(async w =>
        {
            long id = await w.ScalarAsync("SELECT id FROM banks WHERE name = @n", ("@n", name)).ConfigureAwait(false);
            if (id == 0)
            {
                return false;
            }
            long entries = await w.ExecuteAsync("DELETE FROM bank_entries WHERE bank_id = @id", ("@id", id)).ConfigureAwait(false);
            await w.ExecuteAsync("DELETE FROM banks WHERE id = @id", ("@id", id)).ConfigureAwait(false);
            await w.AuditAsync("bank.deleted", AuditPayload.By(actor).With("bankId", id).With("bank", name).With("entriesRemoved", entries)).ConfigureAwait(false);
            await w.ChangeAsync(id, BankChangeKind.Bank, 0, 0).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<long, long>> CountEntriesAsync(CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("SELECT bank_id, COUNT(*) FROM bank_entries WHERE deleted_at IS NULL GROUP BY bank_id",
            r => (r.GetInt64(0), r.GetInt64(1)), cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(x => x.Item1, x => x.Item2);
    }

    private static AuditPayload BankPayload(string actor, Bank bank) => AuditPayload.By(actor)
        .With("bankId", bank.Id).With("bank", bank.Name).With("description", bank.Description).With("source", bank.Source)
        .With("category", bank.Category).With("pdqRadius", bank.PdqRadius).With("enabled", bank.Enabled).With("action", bank.Action.ToText())
        .With("shadow", bank.Shadow)
        .With("kind", bank.Kind.ToText());

    private static Bank ReadBank(DbDataReader r)
    {
        BankActions.TryParse(r.GetString(7), out var action);
        BankKinds.TryParse(r.GetString(11), out var kind);
        return new Bank(r.GetInt64(0), r.GetString(1), Db.NullableString(r, 2), r.GetString(3), r.GetString(4), r.GetInt32(5),
            r.GetBoolean(6), action, Db.FromUnixMs(r.GetInt64(8)), Db.FromUnixMs(r.GetInt64(9)))
        {
            Shadow = r.GetBoolean(10),
            Kind = kind,
        };
    }

    // ---------------------------------------------------------------- entries

    /// <inheritdoc/>
    public Task<BankEntry> AddEntryAsync(long bankId, NewBankEntry entry, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return WriteAsync(async w =>
        {
            long now = Now();
            long id = await w.ScalarAsync("""
                INSERT INTO bank_entries (bank_id, kind, value, external_id, labels, note, added_by, added_at)
                VALUES (@bank, @kind, @value, @external, @labels, @note, @by, @at) RETURNING id
                """,
                ("@bank", bankId), ("@kind", entry.Kind.ToText()), ("@value", entry.Value), ("@external", entry.ExternalId),
                ("@labels", Db.LabelsToJson(entry.Labels)), ("@note", entry.Note), ("@by", actor), ("@at", now)).ConfigureAwait(false);
            await w.AuditAsync("entry.added", AuditPayload.By(actor).With("bankId", bankId).With("entryId", id).With("kind", entry.Kind.ToText())
                .WithEntryValue(entry.Kind, entry.Value).With("externalId", entry.ExternalId).With("labels", entry.Labels ?? [])).ConfigureAwait(false);
            await w.ChangeAsync(bankId, BankChangeKind.Entries, id, id).ConfigureAwait(false);
            return new BankEntry(id, bankId, entry.Kind, entry.Value, entry.ExternalId, entry.Labels ?? [], entry.Note, actor, Db.FromUnixMs(now), null, false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<(long FirstId, long LastId)> AddEntriesAsync(long bankId, IReadOnlyList<NewBankEntry> entries, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            throw new ArgumentException("no entries to add", nameof(entries));
        }
        return WriteAsync(async w =>
        {
            long now = Now();
            long first = long.MaxValue, last = 0;
            int chunk = RowsPerInsert;
            DbCommand? full = null;
            try
            {
                for (int start = 0; start < entries.Count; start += chunk)
                {
                    int count = Math.Min(chunk, entries.Count - start);
                    DbCommand command;
                    if (count == chunk)
                    {
                        full ??= CreateEntryInsert(w, chunk);
                        command = full;
                    }
                    else
                    {
                        command = CreateEntryInsert(w, count);
                    }
                    for (int i = 0; i < count; i++)
                    {
                        var e = entries[start + i];
                        var p = command.Parameters;
                        int o = i * 8;
                        p[o].Value = bankId;
                        p[o + 1].Value = e.Kind.ToText();
                        p[o + 2].Value = e.Value;
                        p[o + 3].Value = (object?)e.ExternalId ?? DBNull.Value;
                        p[o + 4].Value = Db.LabelsToJson(e.Labels);
                        p[o + 5].Value = (object?)e.Note ?? DBNull.Value;
                        p[o + 6].Value = actor;
                        p[o + 7].Value = now;
                    }
                    await using (var r = await command.ExecuteReaderAsync(w.CancellationToken).ConfigureAwait(false))
                    {
                        while (await r.ReadAsync(w.CancellationToken).ConfigureAwait(false))
                        {
                            long id = r.GetInt64(0);
                            first = Math.Min(first, id);
                            last = Math.Max(last, id);
                        }
                    }
                    if (!ReferenceEquals(command, full))
                    {
                        await command.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                if (full is not null)
                {
                    await full.DisposeAsync().ConfigureAwait(false);
                }
            }
            await w.AuditAsync("entries.imported", AuditPayload.By(actor).With("bankId", bankId).With("count", (long)entries.Count)
                .With("firstEntryId", first).With("lastEntryId", last)).ConfigureAwait(false);
            await w.ChangeAsync(bankId, BankChangeKind.Entries, first, last).ConfigureAwait(false);
            return (first, last);
        }, cancellationToken);
    }

    private static DbCommand CreateEntryInsert(WriteContext w, int rows)
    {
        var sql = new System.Text.StringBuilder("INSERT INTO bank_entries (bank_id, kind, value, external_id, labels, note, added_by, added_at) VALUES ");
        var command = Db.Command(w.Connection, w.Transaction, "");
        for (int i = 0; i < rows; i++)
        {
            sql.Append(i == 0 ? "(" : ",(");
            for (int f = 0; f < 8; f++)
            {
                string name = string.Create(CultureInfo.InvariantCulture, $"@p{i}_{f}");
                sql.Append(f == 0 ? "" : ",").Append(name);
                Db.Add(command, name, null);
            }
            sql.Append(')');
        }
        sql.Append(" RETURNING id");
#pragma warning disable CA2100 // built from constants and generated parameter names only
        command.CommandText = sql.ToString();
#pragma warning restore CA2100
        return command;
    }

    /// <inheritdoc/>
    public async Task<BankEntry?> GetEntryAsync(long bankId, long entryId, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {EntryColumns} FROM bank_entries WHERE bank_id = @b AND id = @id", ReadEntry, cancellationToken,
            ("@b", bankId), ("@id", entryId)).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BankEntry>> GetEntriesAsync(IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entryIds);
        if (entryIds.Count == 0)
        {
            return [];
        }
        // Matches per check are few; one parameter each keeps the SQL portable.
        var ids = entryIds.Distinct().Take(1000).ToList();
        var names = ids.Select((_, i) => string.Create(CultureInfo.InvariantCulture, $"@i{i}")).ToList();
        var parameters = ids.Select((id, i) => (names[i], (object?)id)).ToArray();
        return await QueryAsync($"SELECT {EntryColumns} FROM bank_entries WHERE id IN ({string.Join(',', names)})", ReadEntry, cancellationToken, parameters).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BankEntry>> ListEntriesAsync(long bankId, long afterId, int limit, bool includeDeleted, CancellationToken cancellationToken = default) =>
        await QueryAsync(
            $"SELECT {EntryColumns} FROM bank_entries WHERE bank_id = @b AND id > @after {(includeDeleted ? "" : "AND deleted_at IS NULL ")}ORDER BY id LIMIT @limit",
            ReadEntry, cancellationToken, ("@b", bankId), ("@after", afterId), ("@limit", limit)).ConfigureAwait(false);

    /// <inheritdoc/>
    public Task<BankEntry?> SetEntryDisabledUntilAsync(long bankId, long entryId, DateTimeOffset? until, string actor, CancellationToken cancellationToken = default) =>
        WriteAsync(async w =>
        {
            long? untilMs = until is null ? null : Db.ToUnixMs(until.Value);
            int changed = await w.ExecuteAsync("UPDATE bank_entries SET disabled_until = @u WHERE bank_id = @b AND id = @id AND deleted_at IS NULL",
                ("@u", untilMs), ("@b", bankId), ("@id", entryId)).ConfigureAwait(false);
            if (changed == 0)
            {
                return null;
            }
            await w.AuditAsync(until is null ? "entry.enabled" : "entry.disabled", AuditPayload.By(actor).With("bankId", bankId).With("entryId", entryId)
                .With("disabledUntil", until is null ? null : HashChain.FormatTime(until.Value))).ConfigureAwait(false);
            await w.ChangeAsync(bankId, BankChangeKind.Entries, entryId, entryId).ConfigureAwait(false);
            return (await w.QueryAsync($"SELECT {EntryColumns} FROM bank_entries WHERE id = @id", ReadEntry, ("@id", entryId)).ConfigureAwait(false))[0];
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<bool> DeleteEntryAsync(long bankId, long entryId, string actor, CancellationToken cancellationToken = default) =>
        WriteAsync(async w =>
        {
            int changed = await w.ExecuteAsync("UPDATE bank_entries SET deleted_at = @now WHERE bank_id = @b AND id = @id AND deleted_at IS NULL",
                ("@now", Now()), ("@b", bankId), ("@id", entryId)).ConfigureAwait(false);
            if (changed == 0)
            {
                return false;
            }
            await w.AuditAsync("entry.deleted", AuditPayload.By(actor).With("bankId", bankId).With("entryId", entryId)).ConfigureAwait(false);
            await w.ChangeAsync(bankId, BankChangeKind.Entries, entryId, entryId).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static BankEntry ReadEntry(DbDataReader r)
    {
        HashKinds.TryParseAny(r.GetString(2), out var kind);
        long? disabled = Db.NullableInt64(r, 9);
        return new BankEntry(r.GetInt64(0), r.GetInt64(1), kind, r.GetString(3), Db.NullableString(r, 4), Db.LabelsFromJson(r.GetString(5)),
            Db.NullableString(r, 6), r.GetString(7), Db.FromUnixMs(r.GetInt64(8)), disabled is null ? null : Db.FromUnixMs(disabled.Value), !r.IsDBNull(10));
    }

    private static IndexedEntry ReadIndexed(DbDataReader r)
    {
        HashKinds.TryParseAny(r.GetString(2), out var kind);
        return new IndexedEntry(r.GetInt64(0), r.GetInt64(1), kind, r.GetString(3), Db.NullableInt64(r, 4), !r.IsDBNull(5));
    }

    // ---------------------------------------------------------------- change feed

    /// <inheritdoc/>
    public async Task<long> GetLatestChangeIdAsync(CancellationToken cancellationToken = default)
    {
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await Db.ScalarInt64Async(c, null, "SELECT MAX(id) FROM bank_changes", cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BankChange>> ReadChangesAsync(long afterId, int limit, CancellationToken cancellationToken = default) =>
        await QueryAsync("SELECT id, bank_id, change_kind, first_entry_id, last_entry_id FROM bank_changes WHERE id > @after ORDER BY id LIMIT @limit",
            r => new BankChange(r.GetInt64(0), r.GetInt64(1), (BankChangeKind)r.GetInt32(2), r.GetInt64(3), r.GetInt64(4)),
            cancellationToken, ("@after", afterId), ("@limit", limit)).ConfigureAwait(false);

    /// <inheritdoc/>
    public IAsyncEnumerable<IndexedEntry> ReadLiveEntriesAsync(CancellationToken cancellationToken = default) =>
        StreamAsync("SELECT id, bank_id, kind, value, disabled_until, deleted_at FROM bank_entries WHERE deleted_at IS NULL ORDER BY id",
            ReadIndexed, cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<IndexedEntry> ReadEntryRangeAsync(long bankId, long firstId, long lastId, CancellationToken cancellationToken = default) =>
        StreamAsync("SELECT id, bank_id, kind, value, disabled_until, deleted_at FROM bank_entries WHERE bank_id = @b AND id >= @first AND id <= @last ORDER BY id",
            ReadIndexed, cancellationToken, ("@b", bankId), ("@first", firstId), ("@last", lastId));

    // ---------------------------------------------------------------- keys

    /// <inheritdoc/>
    public Task<(ApiKey Key, string Token)> CreateApiKeyAsync(string name, ApiScopes scopes, int? rateLimitPerSecond, string actor, CancellationToken cancellationToken = default) =>
        WriteAsync(async w =>
        {
            string token = ApiKeyTokens.Create();
            string prefix = ApiKeyTokens.DisplayPrefix(token);
            long now = Now();
            long id = await w.ScalarAsync("""
                INSERT INTO api_keys (name, token_prefix, token_sha256, scopes, rate_limit_per_second, created_at)
                VALUES (@name, @prefix, @hash, @scopes, @rate, @now) RETURNING id
                """,
                ("@name", name), ("@prefix", prefix), ("@hash", ApiKeyTokens.Hash(token)), ("@scopes", scopes.ToText()), ("@rate", rateLimitPerSecond), ("@now", now)).ConfigureAwait(false);
            await w.AuditAsync("key.created", AuditPayload.By(actor).With("keyId", id).With("name", name).With("prefix", prefix)
                .With("scopes", scopes.ToText()).With("rateLimitPerSecond", rateLimitPerSecond is null ? null : (long)rateLimitPerSecond)).ConfigureAwait(false);
            return (new ApiKey(id, name, prefix, scopes, rateLimitPerSecond, Db.FromUnixMs(now), null), token);
        }, cancellationToken);

    /// <inheritdoc/>
    public async Task<ApiKey?> FindApiKeyAsync(byte[] tokenHash, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {KeyColumns} FROM api_keys WHERE token_sha256 = @h", ReadKey, cancellationToken, ("@h", tokenHash)).ConfigureAwait(false)).FirstOrDefault();

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync($"SELECT {KeyColumns} FROM api_keys ORDER BY id", ReadKey, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public Task<bool> RevokeApiKeyAsync(long id, string actor, CancellationToken cancellationToken = default) =>
        WriteAsync(async w =>
        {
            int changed = await w.ExecuteAsync("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL", ("@now", Now()), ("@id", id)).ConfigureAwait(false);
            if (changed == 0)
            {
                return false;
            }
            await w.AuditAsync("key.revoked", AuditPayload.By(actor).With("keyId", id)).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static ApiKey ReadKey(DbDataReader r)
    {
        ApiScopeNames.TryParse(r.GetString(3), out var scopes, out _);
        long? revoked = Db.NullableInt64(r, 6);
        return new ApiKey(r.GetInt64(0), r.GetString(1), r.GetString(2), scopes, Db.NullableInt32(r, 4), Db.FromUnixMs(r.GetInt64(5)),
            revoked is null ? null : Db.FromUnixMs(revoked.Value));
    }

    // ---------------------------------------------------------------- audit

    /// <inheritdoc/>
    public Task<ChainEntry> AppendAuditAsync(string kind, string payload, CancellationToken cancellationToken = default) =>
        WriteAsync(w => w.AuditAsync(kind, payload), cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<ChainEntry> ReadAuditAsync(CancellationToken cancellationToken = default) =>
        StreamAsync("SELECT sequence, recorded_at, kind, payload, previous_hash, hash FROM audit_log ORDER BY sequence", ReadChainEntry, cancellationToken);

    private static ChainEntry ReadChainEntry(DbDataReader r) =>
        new(r.GetInt64(0), Db.FromUnixMs(r.GetInt64(1)), r.GetString(2), r.GetString(3), r.GetFieldValue<byte[]>(4), r.GetFieldValue<byte[]>(5));

    // ---------------------------------------------------------------- checks

    /// <inheritdoc/>
    public async Task<long> RecordCheckAsync(RecordedCheck check, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(check);
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var h = check.Hashes;
        long id = await Db.ScalarInt64Async(c, tx, """
            INSERT INTO checks (checked_at, api_key_id, content_ref, user_ref, pdq, pdq_quality, md5, sha1, sha256, decision, input, context, review_text)
            VALUES (@at, @key, @content, @user, @pdq, @quality, @md5, @sha1, @sha256, @decision, @input, @context, @text) RETURNING id
            """, cancellationToken,
            ("@at", Db.ToUnixMs(check.CheckedAt)), ("@key", check.ApiKeyId), ("@content", check.ContentRef), ("@user", check.UserRef),
            ("@pdq", h.Pdq), ("@quality", h.PdqQuality), ("@md5", h.Md5), ("@sha1", h.Sha1), ("@sha256", h.Sha256), ("@decision", check.Decision),
            ("@input", check.Input), ("@context", check.Context), ("@text", check.Text)).ConfigureAwait(false);
        foreach (var m in check.Matches.DistinctBy(m => m.EntryId))
        {
            await Db.ExecuteAsync(c, tx, """
                INSERT INTO check_matches (check_id, entry_id, bank_id, bank_name, kind, distance, action, span_start, span_end)
                VALUES (@check, @entry, @bank, @bankName, @kind, @distance, @action, @start, @end)
                """, cancellationToken,
                ("@check", id), ("@entry", m.EntryId), ("@bank", m.BankId), ("@bankName", m.BankName), ("@kind", m.Kind.ToText()),
                ("@distance", m.Distance), ("@action", m.Action.ToText()), ("@start", m.SpanStart), ("@end", m.SpanEnd)).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RecordedCheck>> ListRecordedChecksAsync(long afterId, int limit, CancellationToken cancellationToken = default)
    {
        var checks = await QueryAsync("""
            SELECT id, checked_at, api_key_id, content_ref, user_ref, pdq, pdq_quality, md5, sha1, sha256, decision, input, context, review_text
            FROM checks WHERE id > @after ORDER BY id LIMIT @limit
            """,
            r => new RecordedCheck(r.GetInt64(0), Db.FromUnixMs(r.GetInt64(1)), r.GetInt64(2), Db.NullableString(r, 3), Db.NullableString(r, 4),
                new CheckHashes(Db.NullableString(r, 5), Db.NullableInt32(r, 6), Db.NullableString(r, 7), Db.NullableString(r, 8), Db.NullableString(r, 9)),
                r.GetString(10), [])
            {
                Input = Db.NullableString(r, 11),
                Context = Db.NullableString(r, 12),
                Text = Db.NullableString(r, 13),
            },
            cancellationToken, ("@after", afterId), ("@limit", limit)).ConfigureAwait(false);
        if (checks.Count == 0)
        {
            return checks;
        }
        var matches = await QueryAsync("""
            SELECT check_id, bank_id, bank_name, entry_id, kind, distance, action, span_start, span_end FROM check_matches
            WHERE check_id >= @first AND check_id <= @last ORDER BY check_id, entry_id
            """,
            r =>
            {
                HashKinds.TryParseAny(r.GetString(4), out var kind);
                BankActions.TryParse(r.GetString(6), out var action);
                return (CheckId: r.GetInt64(0), Match: new CheckMatch(r.GetInt64(1), r.GetString(2), r.GetInt64(3), kind, r.GetInt32(5), action)
                {
                    SpanStart = Db.NullableInt32(r, 7),
                    SpanEnd = Db.NullableInt32(r, 8),
                });
            },
            cancellationToken, ("@first", checks[0].Id), ("@last", checks[^1].Id)).ConfigureAwait(false);
        var byCheck = matches.ToLookup(m => m.CheckId, m => m.Match);
        return [.. checks.Select(c => c with { Matches = [.. byCheck[c.Id]] })];
    }

    /// <inheritdoc/>
    public async Task AddUnmatchedCheckCountsAsync(IReadOnlyCollection<UnmatchedCheckCount> counts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return;
        }
        await using var c = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var count in counts)
        {
            await Db.ExecuteAsync(c, tx, """
                INSERT INTO unmatched_check_counts (day, api_key_id, checks) VALUES (@day, @key, @n)
                ON CONFLICT (day, api_key_id) DO UPDATE SET checks = unmatched_check_counts.checks + excluded.checks
                """, cancellationToken,
                ("@day", count.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("@key", count.ApiKeyId), ("@n", count.Checks)).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<UnmatchedCheckCount>> ListUnmatchedCheckCountsAsync(CancellationToken cancellationToken = default) =>
        await QueryAsync("SELECT day, api_key_id, checks FROM unmatched_check_counts ORDER BY day, api_key_id",
            r => new UnmatchedCheckCount(DateOnly.ParseExact(r.GetString(0), "yyyy-MM-dd", CultureInfo.InvariantCulture), r.GetInt64(1), r.GetInt64(2)),
            cancellationToken).ConfigureAwait(false);

    // ---------------------------------------------------------------- plumbing

    /// <summary>Now, in Unix milliseconds.</summary>
    protected long Now() => Time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        return await ReadAllAsync(c, null, sql, read, ct, parameters).ConfigureAwait(false);
    }

    private static async Task<List<T>> ReadAllAsync<T>(DbConnection c, DbTransaction? tx, string sql, Func<DbDataReader, T> read, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = Db.Command(c, tx, sql, parameters);
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<T>();
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(read(r));
        }
        return list;
    }

    private async IAsyncEnumerable<T> StreamAsync<T>(string sql, Func<DbDataReader, T> read, [EnumeratorCancellation] CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Db.Command(c, null, sql, parameters);
        await using var r = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            yield return read(r);
        }
    }

    private async Task<T> WriteAsync<T>(Func<WriteContext, Task<T>> work, CancellationToken ct)
    {
        await using var c = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await BeginWriteAsync(c, ct).ConfigureAwait(false);
        var context = new WriteContext(this, c, tx, ct);
        var result = await work(context).ConfigureAwait(false);
        if (context.ChangedFeed)
        {
            await NotifyChangeAsync(c, tx, ct).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>One write transaction: commands, the audit entry and the change-feed row.</summary>
    private sealed class WriteContext(SqlStore store, DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        public DbConnection Connection => connection;

        public DbTransaction Transaction => transaction;

        public CancellationToken CancellationToken => ct;

        public bool ChangedFeed { get; private set; }

        public Task<int> ExecuteAsync(string sql, params (string, object?)[] parameters) => Db.ExecuteAsync(connection, transaction, sql, ct, parameters);

        public Task<long> ScalarAsync(string sql, params (string, object?)[] parameters) => Db.ScalarInt64Async(connection, transaction, sql, ct, parameters);

        public Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, params (string, object?)[] parameters) =>
            ReadAllAsync(connection, transaction, sql, read, ct, parameters);

        public Task<ChainEntry> AuditAsync(string kind, AuditPayload payload) => AuditAsync(kind, payload.ToString());

        public async Task<ChainEntry> AuditAsync(string kind, string payload)
        {
            var previous = (await QueryAsync("SELECT sequence, recorded_at, kind, payload, previous_hash, hash FROM audit_log ORDER BY sequence DESC LIMIT 1",
                ReadChainEntry).ConfigureAwait(false)).FirstOrDefault();
            var entry = HashChain.Append(previous, store.Time.GetUtcNow(), kind, payload);
            await ExecuteAsync("INSERT INTO audit_log (sequence, recorded_at, kind, payload, previous_hash, hash) VALUES (@s, @t, @k, @p, @prev, @h)",
                ("@s", entry.Sequence), ("@t", Db.ToUnixMs(entry.Time)), ("@k", entry.Kind), ("@p", entry.Payload), ("@prev", entry.PreviousHash), ("@h", entry.Hash)).ConfigureAwait(false);
            return entry;
        }

        public async Task ChangeAsync(long bankId, BankChangeKind kind, long first, long last)
        {
            await ExecuteAsync("INSERT INTO bank_changes (bank_id, change_kind, first_entry_id, last_entry_id, changed_at) VALUES (@b, @k, @f, @l, @t)",
                ("@b", bankId), ("@k", (int)kind), ("@f", first), ("@l", last), ("@t", store.Now())).ConfigureAwait(false);
            ChangedFeed = true;
        }
    }
}
