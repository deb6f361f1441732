// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Safeguard.Cli.Tests;

public sealed class HashCommandTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("safeguard-hash-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Data(string relative) => Path.Combine(AppContext.BaseDirectory, "data", "pdq", relative);

    // Reference values: pytx-hma-pipeline.csv and cpp-pdq-photo-hasher.csv for bridge-mods/aaa-orig.jpg.
    private const string AaaHma = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    private const string AaaCpp = "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22";
    private const string AaaMd5 = "d35c785545392755e7e4164457657269";

    private static List<JsonElement> JsonLines(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    [Fact]
    public async Task Hash_Piped_PrintsOneJsonObjectPerFile()
    {
        var result = await CliRunner.RunAsync(["hash", Data("bridge-mods/aaa-orig.jpg")]);
        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(JsonLines(result.StdOut));
        Assert.Equal(AaaHma, line.GetProperty("pdq").GetString());
        Assert.Equal(100, line.GetProperty("quality").GetInt32());
        Assert.Equal(AaaMd5, line.GetProperty("md5").GetString());
        Assert.Equal(40, line.GetProperty("sha1").GetString()!.Length);
        Assert.Equal(64, line.GetProperty("sha256").GetString()!.Length);
        Assert.Equal(1600, line.GetProperty("width").GetInt32());
        Assert.Equal(1004, line.GetProperty("height").GetInt32());
        Assert.Equal("jpeg", line.GetProperty("format").GetString());
        Assert.False(line.TryGetProperty("dihedral", out _));
        Assert.Equal(string.Empty, result.StdErr);
    }

    [Fact]
    public async Task Hash_Dihedral_PrintsEightHashesInReferenceOrder()
    {
        var result = await CliRunner.RunAsync(["hash", "--dihedral", "--preset", "cpp", Data("bridge-mods/aaa-orig.jpg")]);
        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(JsonLines(result.StdOut));
        Assert.Equal(AaaCpp, line.GetProperty("pdq").GetString());
        var dihedral = line.GetProperty("dihedral").EnumerateArray().Select(e => e.GetString()).ToArray();
        // cpp-pdq-photo-hasher.csv: dih_orig, dih_rot90 … dih_flipminus1.
        Assert.Equal(8, dihedral.Length);
        Assert.Equal(AaaCpp, dihedral[0]);
        Assert.Equal("f0a10efd51c83d429053d48d0fffbc52e34e0e17ada956a9d29685211ea9e58f", dihedral[1]);
        Assert.Equal("a5f44ba8a4996a17cd06a1d85aaaa927b61b5b42f8fc03fc83c3d0740bfcb0fa", dihedral[7]);
    }

    [Fact]
    public async Task Hash_CsvAndTsv_HaveHeaderAndOneRowPerFile()
    {
        var csv = await CliRunner.RunAsync(["hash", "--format", "csv", Data("bridge-mods/aaa-orig.jpg")]);
        var lines = csv.StdOut.TrimEnd().Split('\n');
        Assert.Equal("path,pdq,quality,md5,sha1,sha256,width,height,format,error", lines[0]);
        var fields = lines[1].Split(',');
        Assert.Equal([AaaHma, "100", AaaMd5], fields[1..4]);
        Assert.Equal(["1600", "1004", "jpeg", string.Empty], fields[6..]);

        var tsv = await CliRunner.RunAsync(["hash", "--format", "tsv", "--dihedral", Data("bridge-mods/aaa-orig.jpg")]);
        var tsvLines = tsv.StdOut.TrimEnd().Split('\n');
        Assert.Equal(18, tsvLines[0].Split('\t').Length);
        Assert.Equal(18, tsvLines[1].Split('\t').Length);
        Assert.Equal(AaaHma, tsvLines[1].Split('\t')[1]);
    }

    [Fact]
    public async Task Hash_Folder_IsRecursiveInStableOrder_AndBadFilesDoNotStopTheRest()
    {
        var sub = Directory.CreateDirectory(Path.Combine(_temp, "b-sub")).FullName;
        File.Copy(Data("bridge-mods/square-128x128.jpg"), Path.Combine(_temp, "a.jpg"));
        File.Copy(Data("misc-images/modes/L.png"), Path.Combine(sub, "z.png"));
        File.WriteAllText(Path.Combine(_temp, "c.txt"), "not an image");
        File.WriteAllBytes(Path.Combine(_temp, "d-empty.jpg"), []);
        File.WriteAllBytes(Path.Combine(_temp, "e-truncated.jpg"), File.ReadAllBytes(Data("bridge-mods/aaa-orig.jpg"))[..5000]);
        File.WriteAllText(Path.Combine(_temp, ".hidden"), "skipped");

        var result = await CliRunner.RunAsync(["hash", _temp]);
        Assert.Equal(1, result.ExitCode);
        var lines = JsonLines(result.StdOut);
        Assert.Equal(
            ["a.jpg", Path.Combine("b-sub", "z.png"), "c.txt", "d-empty.jpg", "e-truncated.jpg"],
            lines.Select(l => Path.GetRelativePath(_temp, l.GetProperty("path").GetString()!)));
        Assert.True(lines[0].TryGetProperty("pdq", out _));
        Assert.True(lines[1].TryGetProperty("pdq", out _));
        foreach (var (line, reason) in lines.Skip(2).Zip(new[] { "not an image format", "empty", "cut short" }))
        {
            Assert.Equal(2, line.EnumerateObject().Count());
            Assert.Contains(reason, line.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        var errors = result.StdErr.TrimEnd().Split('\n');
        Assert.Equal(3, errors.Length);
        Assert.All(errors, e => Assert.StartsWith("safeguard: " + _temp, e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hash_ManyFilesInParallel_KeepInputOrder()
    {
        var files = Directory.GetFiles(Data("bridge-mods"), "*.jpg").Order(StringComparer.Ordinal).ToArray();
        var args = new List<string> { "hash" };
        args.AddRange(files.Reverse());
        var result = await CliRunner.RunAsync(args);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(files.Reverse(), JsonLines(result.StdOut).Select(l => l.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task Hash_Stdin_HashesTheBytes()
    {
        var result = await CliRunner.RunAsync(["hash", "--stdin"], stdinBytes: File.ReadAllBytes(Data("bridge-mods/aaa-orig.jpg")));
        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(JsonLines(result.StdOut));
        Assert.Equal("-", line.GetProperty("path").GetString());
        Assert.Equal(AaaHma, line.GetProperty("pdq").GetString());
    }

    [Fact]
    public async Task Hash_MislabelledFile_IsHashedByContent()
    {
        var png = Path.Combine(_temp, "really-a-jpeg.png");
        File.Copy(Data("bridge-mods/aaa-orig.jpg"), png);
        var result = await CliRunner.RunAsync(["hash", png]);
        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(JsonLines(result.StdOut));
        Assert.Equal("jpeg", line.GetProperty("format").GetString());
        Assert.Equal(AaaHma, line.GetProperty("pdq").GetString());
    }

    [Fact]
    public async Task Hash_PixelLimit_RejectsBeforeDecoding()
    {
        var result = await CliRunner.RunAsync(["hash", "--max-pixels", "1000000", Data("bridge-mods/aaa-orig.jpg")]);
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(JsonLines(result.StdOut));
        Assert.Contains("over the limit of 1000000", line.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("aaa-orig.jpg", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hash_DecompressionBomb_IsOneClearError()
    {
        // A real 128 × 128 JPEG whose frame header is edited to declare 50000 × 50000.
        var bytes = File.ReadAllBytes(Data("bridge-mods/square-128x128.jpg"));
        int sof = Enumerable.Range(2, bytes.Length - 10).First(i => bytes[i] == 0xFF && bytes[i + 1] is 0xC0 or 0xC2);
        bytes[sof + 5] = bytes[sof + 7] = 50000 >> 8;
        bytes[sof + 6] = bytes[sof + 8] = 50000 & 0xFF;
        var bomb = Path.Combine(_temp, "bomb.jpg");
        File.WriteAllBytes(bomb, bytes);
        var result = await CliRunner.RunAsync(["hash", bomb]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("50000 × 50000", Assert.Single(JsonLines(result.StdOut)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hash_TinyImage_IsZeroHashAndFlagged()
    {
        // A 4 × 4 32-bit BMP, written by hand.
        var bmp = new byte[54 + (4 * 16)];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BitConverter.GetBytes(bmp.Length).CopyTo(bmp, 2);
        BitConverter.GetBytes(54).CopyTo(bmp, 10);
        BitConverter.GetBytes(40).CopyTo(bmp, 14);
        BitConverter.GetBytes(4).CopyTo(bmp, 18);
        BitConverter.GetBytes(4).CopyTo(bmp, 22);
        BitConverter.GetBytes((short)1).CopyTo(bmp, 26);
        BitConverter.GetBytes((short)32).CopyTo(bmp, 28);
        var path = Path.Combine(_temp, "tiny.bmp");
        File.WriteAllBytes(path, bmp);
        var result = await CliRunner.RunAsync(["hash", path]);
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(JsonLines(result.StdOut));
        Assert.Equal(new string('0', 64), line.GetProperty("pdq").GetString());
        Assert.Equal(0, line.GetProperty("quality").GetInt32());
        Assert.Contains("at least 5 pixels", line.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hash_ExifAndFast_AreAccepted()
    {
        var exif = await CliRunner.RunAsync(["hash", "--exif", Data("reg-test-input/exif-rotn/exif-rotn-6.jpg")]);
        Assert.Equal(0, exif.ExitCode);
        Assert.Equal(3024, Assert.Single(JsonLines(exif.StdOut)).GetProperty("width").GetInt32());
        var fast = await CliRunner.RunAsync(["hash", "--fast", Data("reg-test-input/exif-rotn/exif-rotn-1.jpg")]);
        Assert.Equal(0, fast.ExitCode);
        Assert.Equal(4032, Assert.Single(JsonLines(fast.StdOut)).GetProperty("width").GetInt32());
    }

    [Theory]
    [InlineData("")]
    [InlineData("--format xml x.jpg")]
    [InlineData("--preset java x.jpg")]
    [InlineData("--max-pixels 0 x.jpg")]
    [InlineData("--stdin x.jpg")]
    public async Task Hash_UsageErrors_ExitTwo(string args)
    {
        var result = await CliRunner.RunAsync(["hash", .. args.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("safeguard: ", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StdOut);
    }
}
