// SPDX-License-Identifier: Apache-2.0
using Safeguard.Banks;

namespace Safeguard.Tests.Banks;

public class BankFileReaderTests
{
    private const string Md5 = "0123456789abcdef0123456789abcdef";
    private const string Pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    private static (List<NewBankEntry> Entries, List<BankFileError> Errors, BankFileFormat Format) Read(string text, BankFileFormat format = BankFileFormat.Auto, HashKind? kind = null)
    {
        var reader = new BankFileReader(new StringReader(text), format, kind);
        var entries = new List<NewBankEntry>();
        var errors = new List<BankFileError>();
        while (reader.TryReadNext(out var entry, out var error))
        {
            if (entry is not null)
            {
                entries.Add(entry);
            }
            if (error is not null)
            {
                errors.Add(error);
            }
        }
        return (entries, errors, reader.Format);
    }

    [Fact]
    public void Auto_DetectsTypedLines_AndSkipsCommentsAndBlanks()
    {
        var (entries, errors, format) = Read($"# header\n\npdq {Pdq.ToUpperInvariant()}\r\nmd5 {Md5}\n");
        Assert.Empty(errors);
        Assert.Equal(BankFileFormat.Typed, format);
        Assert.Equal([HashKind.Pdq, HashKind.Md5], entries.Select(e => e.Kind));
        Assert.Equal(Pdq, entries[0].Value);
    }

    [Fact]
    public void Csv_MapsColumnsByName_WithQuotesAndLabels()
    {
        var (entries, errors, format) = Read($"Note,Hash,Type,Tags,External_Id\n\"a, \"\"quoted\"\" note\",{Md5},md5,x;y|z,E-1\n");
        Assert.Empty(errors);
        Assert.Equal(BankFileFormat.Csv, format);
        var e = Assert.Single(entries);
        Assert.Equal("a, \"quoted\" note", e.Note);
        Assert.Equal(["x", "y", "z"], e.Labels);
        Assert.Equal("E-1", e.ExternalId);
    }

    [Fact]
    public void PlainLines_InferMd5AndSha1ByLength_ButNeedAKindFor64Digits()
    {
        var (entries, errors, _) = Read($"{Md5}\n{new string('a', 40)}\n{Pdq}\n");
        Assert.Equal([HashKind.Md5, HashKind.Sha1], entries.Select(e => e.Kind));
        var error = Assert.Single(errors);
        Assert.Equal(3, error.Line);
        Assert.Equal("kind", error.Field);
        var (withKind, none, _) = Read(Pdq, kind: HashKind.Sha256);
        Assert.Empty(none);
        Assert.Equal(HashKind.Sha256, Assert.Single(withKind).Kind);
    }

    [Theory]
    [InlineData("md5 0123\n", 1, "value")]
    [InlineData("md5 0123456789abcdef0123456789abcdef\nsha1 zz\n", 2, "value")]
    [InlineData("kind,labels\nmd5,x\n", 1, "header")]
    [InlineData("value,note\n\"open\n", 2, "line")]
    public void BadLines_AreReportedWithTheirNumberAndField(string text, long line, string field)
    {
        var (_, errors, _) = Read(text);
        Assert.Contains(errors, e => e.Line == line && e.Field == field);
    }

    [Fact]
    public void AnOverlongLine_IsOneError_NotAnOutOfMemory()
    {
        var text = new string('a', 5_000_000) + "\n" + $"md5 {Md5}\n";
        var (entries, errors, _) = Read(text, BankFileFormat.Typed);
        Assert.Equal("line", Assert.Single(errors).Field);
        Assert.Single(entries);
    }
}
