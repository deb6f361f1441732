// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Safeguard.Records;
using Safeguard.Server.Tests.Kit;
using Safeguard.Storage;
using Safeguard.Transparency;

namespace Safeguard.Server.Tests.Storage;

/// <summary>
/// The SQL record log (schema step 4) stores chain v1 entries exactly: the stored hashes are recomputed here
/// from the layout in docs/formats.md, independently of HashChain; and concurrent appenders from several
/// nodes never take the same sequence.
/// </summary>
public sealed class RecordLogStoreTests
{
    private static readonly DateTimeOffset At = new(2025, 4, 1, 12, 30, 15, 250, TimeSpan.Zero);

    // The golden payload of RecordFormatTests (payload format v1).
    private const string ReportGolden = """{"v":1,"eventId":"e5","occurredAt":"2025-04-01T12:30:15.250Z","itemId":"item-1","recipient":"nca","priority":"P1"}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Entries_AreStoredExactly_AsChainV1(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        await using var db = SafeguardStores.Create(store.Postgres, store.DataDirectory);
        await db.MigrateAsync(Ct);
        Assert.Equal(0, (await db.Records.GetHeadAsync(Ct)).Sequence);
        await db.Records.AppendRecordAsync(new AuthorityReportRecord("e5", At, "item-1", ReportRecipient.Nca, ReportPriority.P1), At, Ct);
        await db.Records.AppendAsync("audit.note", "x\"y", At.AddSeconds(1), Ct);

        string hash1 = Sha(1, At, "transparency.report", ReportGolden, new byte[32]);
        string hash2 = Sha(2, At.AddSeconds(1), "audit.note", "x\"y", Convert.FromHexString(hash1));
        var rows = await RawRowsAsync(store);
        Assert.Equal(
            [
                $"1|{At.ToUnixTimeMilliseconds()}|transparency.report|{ReportGolden}|{new string('0', 64)}|{hash1}",
                $"2|{At.AddSeconds(1).ToUnixTimeMilliseconds()}|audit.note|x\"y|{hash1}|{hash2}",
            ], rows);
        var head = await db.Records.GetHeadAsync(Ct);
        Assert.Equal((2L, hash2), (head.Sequence, head.HashHex));
        var read = await db.Records.ReadAllAsync(long.MaxValue, Ct);
        Assert.True(HashChain.Verify(read).IsValid);
        Assert.Single(await db.Records.ReadAllAsync(1, Ct));
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task ConcurrentAppenders_OnSeveralNodes_KeepOneLinearChain(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        var nodes = Enumerable.Range(0, 4).Select(_ => SafeguardStores.Create(store.Postgres, store.DataDirectory)).ToList();
        try
        {
            await nodes[0].MigrateAsync(Ct);
            await Task.WhenAll(nodes.Select((n, i) => Task.Run(async () =>
            {
                for (int k = 0; k < 25; k++)
                {
                    await n.Records.AppendAsync("test.note", $"node {i} note {k}", DateTimeOffset.UtcNow, Ct);
                }
            }, Ct)));
            var entries = await nodes[1].Records.ReadAllAsync(long.MaxValue, Ct);
            Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), entries.Select(e => e.Sequence));
            Assert.True(HashChain.Verify(entries).IsValid);
            Assert.Equal(100, entries.Select(e => e.Payload).Distinct().Count());
        }
        finally
        {
            foreach (var n in nodes)
            {
                await n.DisposeAsync();
            }
        }
    }

    private static async Task<List<string>> RawRowsAsync(TestStore store)
    {
        const string sql = "SELECT sequence, recorded_at, kind, payload, previous_hash, hash FROM transparency_records ORDER BY sequence";
        System.Data.Common.DbConnection c = store.Postgres is not null
            ? new Npgsql.NpgsqlConnection(store.Postgres)
            : new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(store.DataDirectory, "safeguard.db")};Pooling=False");
        await using (c)
        {
            await c.OpenAsync(Ct);
            await using var q = c.CreateCommand();
            q.CommandText = sql;
            await using var r = await q.ExecuteReaderAsync(Ct);
            var rows = new List<string>();
            while (await r.ReadAsync(Ct))
            {
                rows.Add($"{r.GetInt64(0)}|{r.GetInt64(1)}|{r.GetString(2)}|{r.GetString(3)}|{Convert.ToHexStringLower((byte[])r[4])}|{Convert.ToHexStringLower((byte[])r[5])}");
            }
            return rows;
        }
    }

    private static string Sha(long seq, DateTimeOffset time, string kind, string payload, byte[] prev)
    {
        var bytes = new List<byte>();
        bytes.AddRange("SGCHAIN1"u8.ToArray());
        var n = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(n, seq);
        bytes.AddRange(n);
        BinaryPrimitives.WriteInt64BigEndian(n, time.ToUnixTimeMilliseconds());
        bytes.AddRange(n);
        foreach (string s in new[] { kind, payload })
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            var len = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(len, (uint)b.Length);
            bytes.AddRange(len);
            bytes.AddRange(b);
        }
        bytes.AddRange(prev);
        return Convert.ToHexStringLower(SHA256.HashData([.. bytes]));
    }
}
