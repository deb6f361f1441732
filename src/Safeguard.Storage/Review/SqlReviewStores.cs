// SPDX-License-Identifier: Apache-2.0
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Safeguard.Accounts;
using Safeguard.Cases;
using Safeguard.Records;

namespace Safeguard.Storage;

/// <summary>Console users in the server's database. Names are stored lower case.</summary>
public sealed class SqlUserStore(SqlStore store) : IUserStore
{
    private const string Columns = "name, roles, password_hash, failed_sign_ins, locked_until, blur_strength, daily_image_cap, disabled, created_at";

    public async Task<UserAccount?> FindAsync(string name, CancellationToken cancellationToken = default) =>
        (await store.ReadRowsAsync($"SELECT {Columns} FROM console_users WHERE name = @n", Read, cancellationToken, ("@n", name.ToLowerInvariant())).ConfigureAwait(false))
            .FirstOrDefault();

    public Task<bool> AddAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return store.InWriteTransactionAsync(async tx => await tx.ExecuteAsync($"""
            INSERT INTO console_users ({Columns}) VALUES (@n, @roles, @hash, @failed, @locked, @blur, @cap, @disabled, @created)
            ON CONFLICT (name) DO NOTHING
            """, Parameters(user)).ConfigureAwait(false) == 1, cancellationToken);
    }

    public Task UpdateAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return store.InWriteTransactionAsync(tx => tx.ExecuteAsync("""
            UPDATE console_users SET roles = @roles, password_hash = @hash, failed_sign_ins = @failed, locked_until = @locked,
                blur_strength = @blur, daily_image_cap = @cap, disabled = @disabled WHERE name = @n
            """, Parameters(user)), cancellationToken);
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default) =>
        await store.ReadRowsAsync($"SELECT {Columns} FROM console_users ORDER BY name", Read, cancellationToken).ConfigureAwait(false);

    private static (string, object?)[] Parameters(UserAccount u) =>
    [
        ("@n", u.Name.ToLowerInvariant()), ("@roles", RoleNames.Format(u.Roles)), ("@hash", u.PasswordHash), ("@failed", u.FailedSignIns),
        ("@locked", u.LockedUntil is { } l ? Db.ToUnixMs(l) : null), ("@blur", u.BlurStrength), ("@cap", u.DailyImageCap), ("@disabled", u.Disabled),
        ("@created", Db.ToUnixMs(u.CreatedAt)),
    ];

    private static UserAccount Read(DbDataReader r)
    {
        RoleNames.TryParse(r.GetString(1), out var roles, out _);
        long? locked = Db.NullableInt64(r, 4);
        return new UserAccount(r.GetString(0), roles, r.GetString(2), r.GetInt32(3), locked is null ? null : Db.FromUnixMs(locked.Value), r.GetInt32(5),
            Db.NullableInt32(r, 6), r.GetBoolean(7), Db.FromUnixMs(r.GetInt64(8)));
    }
}

/// <summary>Reviewers' daily exposure to image cases, in the server's database.</summary>
public sealed class SqlExposureStore(SqlStore store) : IExposureStore
{
    public Task<int> RecordAsync(string reviewer, DateOnly day, long caseId, CancellationToken cancellationToken = default) =>
        store.InWriteTransactionAsync(async tx =>
        {
            await tx.ExecuteAsync("INSERT INTO review_exposure (reviewer, day, case_id) VALUES (@r, @d, @c) ON CONFLICT (reviewer, day, case_id) DO NOTHING",
                ("@r", reviewer), ("@d", Day(day)), ("@c", caseId)).ConfigureAwait(false);
            return (int)await tx.ScalarAsync("SELECT COUNT(*) FROM review_exposure WHERE reviewer = @r AND day = @d", ("@r", reviewer), ("@d", Day(day))).ConfigureAwait(false);
        }, cancellationToken);

    public async Task<bool> HasSeenAsync(string reviewer, DateOnly day, long caseId, CancellationToken cancellationToken = default) =>
        (await store.ReadRowsAsync("SELECT 1 FROM review_exposure WHERE reviewer = @r AND day = @d AND case_id = @c", r => r.GetInt32(0), cancellationToken,
            ("@r", reviewer), ("@d", Day(day)), ("@c", caseId)).ConfigureAwait(false)).Count > 0;

    public async Task<int> CountAsync(string reviewer, DateOnly day, CancellationToken cancellationToken = default) =>
        (int)(await store.ReadRowsAsync("SELECT COUNT(*) FROM review_exposure WHERE reviewer = @r AND day = @d", r => r.GetInt64(0), cancellationToken,
            ("@r", reviewer), ("@d", Day(day))).ConfigureAwait(false))[0];

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// Case thumbnails (small PNG or JPEG stills) in the server's database. Never logged; served only
/// to the reviewer holding the case.
/// </summary>
public sealed class SqlThumbnailStore(SqlStore store) : IThumbnailStore
{
    public Task<string> PutAsync(Thumbnail thumbnail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        var type = Thumbnail.Sniff(thumbnail.Bytes) ?? throw new ArgumentException("a thumbnail must be a PNG or JPEG still", nameof(thumbnail));
        var reference = "thumb-" + Guid.NewGuid().ToString("N");
        return store.InWriteTransactionAsync(async tx =>
        {
            await tx.ExecuteAsync("INSERT INTO case_thumbnails (ref, content_type, bytes, created_at) VALUES (@r, @t, @b, @at)",
                ("@r", reference), ("@t", type), ("@b", thumbnail.Bytes), ("@at", Db.ToUnixMs(store.Clock.GetUtcNow()))).ConfigureAwait(false);
            return reference;
        }, cancellationToken);
    }

    public async Task<Thumbnail?> GetAsync(string reference, CancellationToken cancellationToken = default) =>
        (await store.ReadRowsAsync("SELECT bytes, content_type FROM case_thumbnails WHERE ref = @r", r => new Thumbnail(r.GetFieldValue<byte[]>(0), r.GetString(1)),
            cancellationToken, ("@r", reference)).ConfigureAwait(false)).FirstOrDefault();
}

/// <summary>
/// The review workflow's <see cref="IAuditTrail"/> over the server's hash-chained audit log. The
/// actor goes into the payload as its first field (<c>"actor"</c>), the convention of every server
/// audit entry, so <c>safeguard audit verify</c> covers it too.
/// </summary>
public sealed class SqlAuditTrail(SqlStore store) : IAuditTrail
{
    public Task AppendAsync(string kind, string actor, string payload, CancellationToken cancellationToken = default) =>
        store.AppendAuditAsync(kind, WithActor(actor, payload), cancellationToken);

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(int limit, long? before = null, CancellationToken cancellationToken = default) =>
        [.. (await store.ReadAuditNewestFirstAsync(limit, before, cancellationToken).ConfigureAwait(false))
            .Select(e => new AuditRecord(e, SqlStore.ActorOf(e.Payload) ?? "—"))];

    /// <summary><paramref name="payload"/> (a JSON object) with <c>"actor"</c> first; an actor already in it is replaced.</summary>
    public static string WithActor(string actor, string payload)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(payload) ? "{}" : payload);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("an audit payload is a JSON object", nameof(payload));
        }
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("actor", actor);
            foreach (var p in doc.RootElement.EnumerateObject().Where(p => p.Name != "actor"))
            {
                p.WriteTo(w);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
