// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Safeguard.Imaging;

namespace Safeguard.Cli;

/// <summary>
/// <c>safeguard hash PATH...</c>: PDQ hash, quality and exact digests of image files and folders,
/// hashed in parallel and printed in input order (folders in ordinal path order).
/// </summary>
internal static class HashCommand
{
    /// <summary>Files larger than this are refused before they are read.</summary>
    private const long MaxFileBytes = 1L << 30;

    private static readonly string[] Columns = ["path", "pdq", "quality", "md5", "sha1", "sha256", "width", "height", "format", "error"];

    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "Image files or folders (searched recursively; hidden files skipped).", Arity = ArgumentArity.ZeroOrMore };
        var format = new Option<string?>("--format") { Description = "Output: jsonl (the default when output is piped), csv or tsv (the default on a terminal)." };
        format.AcceptOnlyFromAmong("jsonl", "csv", "tsv");
        var preset = new Option<string>("--preset") { Description = "hma (default: as HMA / python-threatexchange) or cpp (as Meta's C++ pdq-photo-hasher).", DefaultValueFactory = _ => "hma" };
        preset.AcceptOnlyFromAmong("hma", "cpp");
        var dihedral = new Option<bool>("--dihedral") { Description = "Also print the 8 rotated/flipped hashes, in the reference's order." };
        var stdin = new Option<bool>("--stdin") { Description = "Hash the bytes read from standard input (printed with path \"-\")." };
        var exif = new Option<bool>("--exif") { Description = "Apply the EXIF orientation before hashing (the references do not)." };
        var fast = new Option<bool>("--fast") { Description = "Decode large JPEGs at 1/2–1/8 size (hash within a few bits of the full-size one)." };
        var maxPixels = new Option<long>("--max-pixels") { Description = "Refuse images declaring more pixels than this (checked before decoding).", DefaultValueFactory = _ => new ImageHashOptions().MaxPixels };
        var command = new Command("hash", "Print the PDQ hash, quality, MD5, SHA-1 and SHA-256 of images.")
        {
            paths, format, preset, dihedral, stdin, exif, fast, maxPixels,
        };
        command.SetAction((parse, cancel) =>
        {
            var inputs = parse.GetValue(paths) ?? [];
            bool fromStdin = parse.GetValue(stdin);
            if (fromStdin == (inputs.Length > 0))
            {
                throw new UsageException(fromStdin ? "give either --stdin or paths, not both" : "give at least one file or folder to hash, or --stdin");
            }
            long limit = parse.GetValue(maxPixels);
            if (limit <= 0)
            {
                throw new UsageException("--max-pixels must be a positive number");
            }
            var options = new ImageHashOptions
            {
                Preset = parse.GetValue(preset) == "cpp" ? PdqPreset.Cpp : PdqPreset.Hma,
                Dihedral = parse.GetValue(dihedral),
                ApplyExifOrientation = parse.GetValue(exif),
                Fast = parse.GetValue(fast),
                MaxPixels = limit,
            };
            string outputFormat = parse.GetValue(format) ?? (Console.IsOutputRedirected ? "jsonl" : "tsv");
            return RunAsync(inputs, fromStdin, options, outputFormat, cancel);
        });
        return command;
    }

    private sealed record Item(string Path, ImageHashResult? Result, string? Error);

    private static async Task<int> RunAsync(string[] inputs, bool fromStdin, ImageHashOptions options, string format, CancellationToken cancel)
    {
        var hasher = new ImageHasher(options);
        using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
        var writer = new ItemWriter(output, format, options.Dihedral);
        writer.WriteHeader();
        int failed = 0;
        if (fromStdin)
        {
            using var buffer = new MemoryStream();
            await Console.OpenStandardInput().CopyToAsync(buffer, cancel).ConfigureAwait(false);
            var item = HashBytes(hasher, "-", buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            failed += Report(writer, item);
            await output.FlushAsync(cancel).ConfigureAwait(false);
            return failed > 0 ? CliApp.ExitSomeFailed : CliApp.ExitOk;
        }

        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(EnumerateFolder(input));
            }
            else
            {
                files.Add(input);
            }
        }

        var progress = Progress.Create(files.Count);
        var results = new Item?[files.Count];
        var ready = new SemaphoreSlim(0);
        var hashing = Task.Run(() => Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancel }, i =>
        {
            Item item;
            try
            {
                item = HashFile(hasher, files[i]);
            }
            catch (Exception e)
            {
                // A bug must not stop the other files or leave the writer waiting.
                item = new Item(files[i], null, $"internal error ({e.GetType().Name})");
            }
            Volatile.Write(ref results[i], item);
            ready.Release();
        }), cancel);

        // Print in input order as soon as each next result is ready.
        for (int next = 0; next < files.Count; next++)
        {
            while (Volatile.Read(ref results[next]) is null)
            {
                await ready.WaitAsync(cancel).ConfigureAwait(false);
            }
            progress?.Clear();
            failed += Report(writer, results[next]!);
            results[next] = null;
            if (progress is not null)
            {
                await output.FlushAsync(cancel).ConfigureAwait(false);
                progress.Show(next + 1);
            }
        }
        await hashing.ConfigureAwait(false);
        await output.FlushAsync(cancel).ConfigureAwait(false);
        progress?.Clear();
        return failed > 0 ? CliApp.ExitSomeFailed : CliApp.ExitOk;
    }

    private static IEnumerable<string> EnumerateFolder(string folder)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
        };
        var found = Directory.EnumerateFiles(folder, "*", options)
            .Where(f => !Path.GetFileName(f).StartsWith('.') && !f.Contains($"{Path.DirectorySeparatorChar}.", StringComparison.Ordinal))
            .ToList();
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static Item HashFile(ImageHasher hasher, string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return new Item(path, null, Directory.Exists(path) ? "is a folder" : "no such file");
            }
            if (info.Length > MaxFileBytes)
            {
                return new Item(path, null, $"the file is {info.Length} bytes, over the limit of {MaxFileBytes}");
            }
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Item(path, null, $"cannot be read ({e.GetType().Name})");
        }
        return HashBytes(hasher, path, bytes);
    }

    private static Item HashBytes(ImageHasher hasher, string path, ReadOnlySpan<byte> bytes)
    {
        try
        {
            var result = hasher.Hash(bytes);
            return result.TooSmall
                ? new Item(path, result, $"the image is {result.Width} × {result.Height}; PDQ needs at least 5 pixels on each side, so the hash is all zero")
                : new Item(path, result, null);
        }
        catch (ImageRejectedException e)
        {
            return new Item(path, null, e.Message);
        }
    }

    private static int Report(ItemWriter writer, Item item)
    {
        writer.Write(item);
        if (item.Error is null)
        {
            return 0;
        }
        Console.Error.WriteLine($"safeguard: {item.Path}: {item.Error}");
        return 1;
    }

    private sealed class ItemWriter(TextWriter output, string format, bool dihedral)
    {
        private readonly ArrayBufferWriterPool _json = new();

        public void WriteHeader()
        {
            if (format == "jsonl")
            {
                return;
            }
            var header = dihedral ? Columns.Concat(DihedralNames()) : Columns;
            output.WriteLine(string.Join(format == "csv" ? ',' : '\t', header));
        }

        private static IEnumerable<string> DihedralNames() =>
            ["dih_orig", "dih_rot90", "dih_rot180", "dih_rot270", "dih_flipx", "dih_flipy", "dih_flipplus1", "dih_flipminus1"];

        public void Write(Item item)
        {
            if (format == "jsonl")
            {
                output.WriteLine(_json.Json(item, dihedral));
                return;
            }
            var r = item.Result;
            var fields = new List<string>
            {
                item.Path,
                r?.Pdq.ToString() ?? string.Empty,
                r?.Quality.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                r is null ? string.Empty : Convert.ToHexStringLower(r.Md5),
                r is null ? string.Empty : Convert.ToHexStringLower(r.Sha1),
                r is null ? string.Empty : Convert.ToHexStringLower(r.Sha256),
                r?.Width.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                r?.Height.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                r?.Format ?? string.Empty,
                item.Error ?? string.Empty,
            };
            if (dihedral)
            {
                fields.AddRange(r?.Dihedral?.Select(h => h.ToString()) ?? Enumerable.Repeat(string.Empty, 8));
            }
            output.WriteLine(format == "csv"
                ? string.Join(',', fields.Select(CsvField))
                : string.Join('\t', fields.Select(f => f.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' '))));
        }

        private static string CsvField(string f) =>
            f.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{f.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : f;
    }

    /// <summary>One reusable buffer for the JSON of each line (the writer runs on one thread).</summary>
    private sealed class ArrayBufferWriterPool
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(1024);

        public string Json(Item item, bool dihedral)
        {
            _buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(_buffer))
            {
                json.WriteStartObject();
                json.WriteString("path", item.Path);
                if (item.Result is { } r)
                {
                    json.WriteString("pdq", r.Pdq.ToString());
                    json.WriteNumber("quality", r.Quality);
                    json.WriteString("md5", Convert.ToHexStringLower(r.Md5));
                    json.WriteString("sha1", Convert.ToHexStringLower(r.Sha1));
                    json.WriteString("sha256", Convert.ToHexStringLower(r.Sha256));
                    json.WriteNumber("width", r.Width);
                    json.WriteNumber("height", r.Height);
                    json.WriteString("format", r.Format);
                    if (dihedral && r.Dihedral is not null)
                    {
                        json.WriteStartArray("dihedral");
                        foreach (var h in r.Dihedral)
                        {
                            json.WriteStringValue(h.ToString());
                        }
                        json.WriteEndArray();
                    }
                }
                if (item.Error is not null)
                {
                    json.WriteString("error", item.Error);
                }
                json.WriteEndObject();
            }
            return Encoding.UTF8.GetString(_buffer.WrittenSpan);
        }
    }

    /// <summary>A one-line progress bar on standard error, only when standard error is a terminal.</summary>
    private sealed class Progress
    {
        private readonly int _total;
        private long _lastShown;

        private Progress(int total) => _total = total;

        public static Progress? Create(int total) => Console.IsErrorRedirected || total < 2 ? null : new Progress(total);

        public void Show(int done)
        {
            long now = Environment.TickCount64;
            if (done != _total && now - _lastShown < 100)
            {
                return;
            }
            _lastShown = now;
            const int width = 30;
            int filled = (int)((long)done * width / _total);
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {done}/{_total}\u001b[K");
        }

        public void Clear() => Console.Error.Write("\r\u001b[K");
    }
}
