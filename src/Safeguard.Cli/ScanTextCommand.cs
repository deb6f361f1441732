// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Safeguard.Text;

namespace Safeguard.Cli;

/// <summary>
/// <c>safeguard scan-text --list FILE [FILES|-]</c>: prints one JSON line per URL or keyword hit.
/// Each input line is scanned as one text; <c>start</c>/<c>end</c> are byte offsets in the input
/// (exact even for invalid UTF-8, which is decoded with U+FFFD replacement).
/// Exit codes: 0 scanned (with or without hits), 1 an input could not be read,
/// 2 bad command line or a bad list file (every bad line is reported; nothing is scanned with a partial list).
/// </summary>
internal static class ScanTextCommand
{
    /// <summary>Longer lines are scanned in pieces of this many bytes.</summary>
    private const int MaxLineBytes = 64 * 1024 * 1024;

    public static Command Create()
    {
        var lists = new Option<string[]>("--list") { Description = "A list file (url/domain/keyword/sha256 lines). Repeat for several lists.", Required = true };
        var showUrls = new Option<bool>("--show-urls") { Description = "Also print every URL found (kind \"url-found\"), with its normalised form and whether its host is a URL shortener." };
        var testDomains = new Option<bool>("--test-domains") { Description = "Accept reserved test names (.example, .invalid, .test) in URLs written without a scheme." };
        var inputs = new Argument<string[]>("inputs") { Description = "Files to scan; '-' or none reads standard input.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("scan-text", "Find listed URLs and keywords in text; one JSON line per hit.") { lists, showUrls, testDomains, inputs };
        command.SetAction(parse =>
        {
            var snapshot = LoadLists(parse.GetValue(lists) ?? []);
            var options = new TextScanOptions { AllowReservedTestDomains = parse.GetValue(testDomains) };
            string[] sources = parse.GetValue(inputs) is { Length: > 0 } given ? given : ["-"];
            using var stdout = Console.OpenStandardOutput();
            using var output = new BufferedStream(stdout, 1 << 16);
            var printer = new HitPrinter(output, parse.GetValue(showUrls));
            int exit = CliApp.ExitOk;
            foreach (string source in sources)
            {
                try
                {
                    using var stream = source == "-" ? Console.OpenStandardInput() : File.OpenRead(source);
                    ScanStream(stream, source, snapshot, options, printer);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    output.Flush();
                    Console.Error.WriteLine($"safeguard: cannot read '{source}': {e.Message}");
                    exit = CliApp.ExitSomeFailed;
                }
            }
            output.Flush();
            return exit;
        });
        return command;
    }

    private static TextListSnapshot LoadLists(string[] paths)
    {
        var builder = new TextListBuilder();
        bool bad = false;
        foreach (string path in paths)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot read the list '{path}': {e.Message}");
            }
            string version = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
            using var reader = new StringReader(new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(bytes));
            foreach (var error in TextListFile.Load(reader, path, version, builder))
            {
                Console.Error.WriteLine($"safeguard: {path}:{error.Line}: {error.Message}");
                bad = true;
            }
        }
        if (bad)
        {
            throw new UsageException("the list has bad lines (see above); nothing was scanned");
        }
        return builder.Build();
    }

    private static void ScanStream(Stream stream, string source, TextListSnapshot snapshot, TextScanOptions options, HitPrinter printer)
    {
        var pending = new MemoryStream();
        var buffer = new byte[1 << 16];
        long lineStart = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            int from = 0;
            while (from < read)
            {
                int newline = Array.IndexOf(buffer, (byte)'\n', from, read - from);
                int to = newline < 0 ? read : newline;
                pending.Write(buffer, from, to - from);
                if (newline >= 0 || pending.Length >= MaxLineBytes)
                {
                    ScanLine(pending, lineStart, source, snapshot, options, printer);
                    lineStart += pending.Length + (newline >= 0 ? 1 : 0);
                    pending.SetLength(0);
                }
                from = newline < 0 ? read : newline + 1;
            }
        }
        if (pending.Length > 0)
        {
            ScanLine(pending, lineStart, source, snapshot, options, printer);
        }
    }

    private static void ScanLine(MemoryStream line, long lineStart, string source, TextListSnapshot snapshot, TextScanOptions options, HitPrinter printer)
    {
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (bytes.Length > 0 && bytes[^1] == '\r')
        {
            bytes = bytes[..^1];
        }
        var (text, offsets) = Decode(bytes);
        var result = snapshot.Scan(text, options);
        foreach (var hit in result.Hits)
        {
            printer.Hit(source, hit, lineStart + offsets[hit.Start], lineStart + offsets[hit.End]);
        }
        if (printer.ShowUrls)
        {
            foreach (var url in result.Urls)
            {
                printer.Url(source, url, lineStart + offsets[url.Start], lineStart + offsets[url.End]);
            }
        }
    }

    /// <summary>Decodes UTF-8, replacing each invalid sequence by U+FFFD; offsets[i] is the byte where char i starts.</summary>
    internal static (string Text, int[] Offsets) Decode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        var offsets = new int[bytes.Length + 1];
        int n = 0;
        int i = 0;
        Span<char> pair = stackalloc char[2];
        while (i < bytes.Length)
        {
            System.Text.Rune.DecodeFromUtf8(bytes[i..], out var rune, out int consumed);
            int width = rune.EncodeToUtf16(pair);
            for (int k = 0; k < width; k++)
            {
                chars[n] = pair[k];
                offsets[n] = i;
                n++;
            }
            i += consumed;
        }
        offsets[n] = bytes.Length;
        return (new string(chars, 0, n), offsets);
    }

    private sealed class HitPrinter(Stream output, bool showUrls)
    {
        private static readonly byte[] s_newline = "\n"u8.ToArray();
        private readonly Utf8JsonWriter _json = new(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        public bool ShowUrls { get; } = showUrls;

        public void Hit(string source, TextHit hit, long start, long end)
        {
            _json.Reset(output);
            _json.WriteStartObject();
            _json.WriteString("source", source);
            _json.WriteString("kind", hit.Kind == TextHitKind.Url ? "url" : "keyword");
            _json.WriteString("entry", hit.Entry.List.ListId + ":" + hit.Entry.EntryId);
            _json.WriteString("text", hit.Text);
            _json.WriteNumber("start", start);
            _json.WriteNumber("end", end);
            _json.WriteEndObject();
            _json.Flush();
            output.Write(s_newline);
        }

        public void Url(string source, ExtractedUrl url, long start, long end)
        {
            _json.Reset(output);
            _json.WriteStartObject();
            _json.WriteString("source", source);
            _json.WriteString("kind", "url-found");
            _json.WriteString("text", url.Text);
            _json.WriteNumber("start", start);
            _json.WriteNumber("end", end);
            _json.WriteString("normalized", url.Url.ToString());
            _json.WriteBoolean("shortener", url.IsShortener);
            _json.WriteBoolean("obfuscated", url.IsObfuscated);
            _json.WriteEndObject();
            _json.Flush();
            output.Write(s_newline);
        }
    }
}
