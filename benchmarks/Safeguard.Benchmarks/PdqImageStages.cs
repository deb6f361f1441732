// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Safeguard.Imaging;

namespace Safeguard.Benchmarks;

/// <summary>The stages of <see cref="ImageHasher.Hash"/> run separately, for timing.</summary>
internal sealed unsafe partial class PdqImageStages : IDisposable
{
    private readonly byte[] _file;
    private readonly byte[] _pixels;
    private readonly int _width;
    private readonly int _height;
    private readonly int _channels;

    public PdqImageStages(byte[] file)
    {
        _file = file;
        // The pixels the hasher gets in 'whole': TurboJPEG's RGB when the library loads, else Skia's RGBA.
        fixed (byte* p = file)
        {
            using IImageDecoder decoder = (ImageHasher.TurboJpegAvailable ? TurboJpegDecoder.TryOpen(p, file.Length) : null)
                ?? (IImageDecoder)SkiaDecoder.Open(p, file.Length, ImageFormat.Jpeg);
            using var whole = decoder.DecodeWhole((decoder.Width, decoder.Height));
            _pixels = whole.Pixels.ToArray();
            (_width, _height, _channels) = (whole.Width, whole.Height, whole.Channels);
        }
    }

    public static string DataPath(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "data", "pdq", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"tests/data/pdq/{relative} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Decodes every row through SkiaSharp the way the hasher does (streamed scanlines), and nothing else.</summary>
    public long DecodeSkia()
    {
        fixed (byte* p = _file)
        {
            using var decoder = SkiaDecoder.Open(p, _file.Length, ImageFormat.Jpeg);
            using var source = decoder.Pixels((decoder.Width, decoder.Height));
            var rows = new byte[source.RowBytes * 16];
            long sum = 0;
            for (int done = 0; done < source.Height; done += 16)
            {
                int n = Math.Min(16, source.Height - done);
                source.ReadRows(rows, n);
                sum += rows[0];
            }
            return sum;
        }
    }

    /// <summary>Decodes the whole image through the system libturbojpeg into a pooled buffer, as the hasher does, and nothing else.</summary>
    public long DecodeTurbo()
    {
        fixed (byte* p = _file)
        {
            using var decoder = TurboJpegDecoder.TryOpen(p, _file.Length) ?? throw new InvalidOperationException("libturbojpeg cannot read the header");
            using var source = decoder.DecodeWhole((decoder.Width, decoder.Height));
            return source.Pixels[0];
        }
    }

    /// <summary>Luma, filter, DCT and bits from pixels already decoded (read in place, as from the TurboJPEG buffer).</summary>
    public int HashOnly() => ImageHasher.HashHma(_pixels, _width, _height, _channels, dihedral: false).Quality;

    /// <summary>MD5, SHA-1 and SHA-256 of the file bytes, as <see cref="ImageHasher.Hash"/> computes them.</summary>
    public int Digests() =>
        System.Security.Cryptography.MD5.HashData(_file)[0] + System.Security.Cryptography.SHA1.HashData(_file)[0] + System.Security.Cryptography.SHA256.HashData(_file)[0];

    public void Dispose()
    {
    }

    /// <summary>
    /// <c>hash-vs-djpeg</c>: median single-thread times of each stage and of libjpeg-turbo's djpeg on
    /// the same files, and the ratios the issue sets goals for.
    /// </summary>
    public static int CompareWithDjpeg(string[] images, int runs)
    {
        var inv = CultureInfo.InvariantCulture;
        bool turbo = ImageHasher.TurboJpegAvailable;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {MachineModel()}; .NET {Environment.Version}; single thread, median of {runs} runs; load average before: {LoadAverage()}");
        Console.WriteLine($"JPEG decoder for 'whole': {(turbo ? "system libturbojpeg (SIMD)" : "SkiaSharp (libturbojpeg.so.0 not found)")}");
        // djpeg's own process start (exec, dynamic linking), measured on a 34 x 42 JPEG and taken off every djpeg time.
        double djpegStart = MedianDjpeg(runs, DataPath("misc-images/wee.jpg"));
        Console.WriteLine(string.Format(inv, "all times are CPU milliseconds (this thread; djpeg: the child's user + system less {0:F2} ms of process start)", djpegStart));
        Console.WriteLine("image | decode turbo ms | decode skia ms | hash ms | digests ms | whole ms | whole (skia) ms | --fast ms | djpeg ms | img/s/core | hash/decode (goal < 0.25) | whole/djpeg (goal <= 1.5) | fast speed-up");
        foreach (var image in images)
        {
            var path = DataPath(image);
            var file = File.ReadAllBytes(path);
            using var stages = new PdqImageStages(file);
            double decodeTurbo = turbo ? Median(runs, () => stages.DecodeTurbo()) : double.NaN;
            double decodeSkia = Median(runs, () => stages.DecodeSkia());
            double hash = Median(runs, () => stages.HashOnly());
            double digests = Median(runs, () => stages.Digests());
            var auto = new ImageHasher();
            var skia = new ImageHasher(new ImageHashOptions { JpegDecoder = JpegDecoderChoice.Skia });
            var fastHasher = new ImageHasher(new ImageHashOptions { Fast = true });
            double whole = Median(runs, () => auto.Hash(file));
            double wholeSkia = Median(runs, () => skia.Hash(file));
            double fast = Median(runs, () => fastHasher.Hash(file));
            double djpeg = MedianDjpeg(runs, path) - djpegStart;
            double decode = turbo ? decodeTurbo : decodeSkia;
            Console.WriteLine(string.Format(inv, "{0} ({1}x{2}) | {3:F1} | {4:F1} | {5:F1} | {6:F1} | {7:F1} | {8:F1} | {9:F1} | {10:F1} | {11:F1} | {12:F2} | {13:F2} | {14:F1}x",
                image, stages._width, stages._height, decodeTurbo, decodeSkia, hash, digests, whole, wholeSkia, fast, djpeg, 1000 / whole, hash / decode, whole / djpeg, whole / fast));
        }
        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static double Median(int runs, Action action)
    {
        // Warm up for at least 40 calls and one second, so tiered compilation has reached its
        // optimised code everywhere (on a fast image 40 calls alone last under 100 ms, before it has).
        long warmUpStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < 40 || Stopwatch.GetElapsedTime(warmUpStart).TotalSeconds < 1; i++)
        {
            action();
        }
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            double start = ThreadCpuMilliseconds();
            action();
            times[i] = ThreadCpuMilliseconds() - start;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    private static double MedianDjpeg(int runs, string path)
    {
        Djpeg(path);
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            times[i] = Djpeg(path);
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    /// <summary>
    /// CPU time of this thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): on a shared machine wall time
    /// mostly measures the other tenants; CPU time measures the work (cache contention remains).
    /// </summary>
    private static double ThreadCpuMilliseconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuClock, out var now) == 0)
        {
            return (now.Seconds * 1e3) + (now.Nanoseconds / 1e6);
        }
        return Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
    }

    private const int ThreadCpuClock = 3;

    /// <summary>User + system CPU of every child process reaped so far (<c>getrusage(RUSAGE_CHILDREN)</c>).</summary>
    private static double ChildrenCpuMilliseconds()
    {
        if (GetResourceUsage(-1, out var usage) != 0)
        {
            throw new InvalidOperationException("getrusage failed");
        }
        return ((usage.UserSeconds + usage.SystemSeconds) * 1e3) + ((usage.UserMicroseconds + usage.SystemMicroseconds) / 1e3);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public unsafe fixed long Rest[14];
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetResourceUsage(int who, out ResourceUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Runs djpeg on <paramref name="path"/> and returns its CPU time (user + system), process start included.</summary>
    private static double Djpeg(string path)
    {
        // -outfile /dev/null keeps the cost to decoding plus writing the PPM to nowhere.
        var psi = new ProcessStartInfo("djpeg") { UseShellExecute = false, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-outfile");
        psi.ArgumentList.Add("/dev/null");
        psi.ArgumentList.Add(path);
        double before = ChildrenCpuMilliseconds();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("djpeg did not start");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"djpeg exited {process.ExitCode}");
        }
        return ChildrenCpuMilliseconds() - before;
    }

    private static string MachineModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
