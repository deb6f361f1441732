// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using Safeguard.Imaging;

namespace Safeguard.Benchmarks;

/// <summary>The stages of <see cref="ImageHasher.Hash"/> run separately, for timing.</summary>
internal sealed unsafe class PdqImageStages : IDisposable
{
    private readonly byte[] _file;
    private readonly byte[] _pixels;
    private readonly int _width;
    private readonly int _height;
    private readonly int _channels;

    public PdqImageStages(byte[] file)
    {
        _file = file;
        fixed (byte* p = file)
        {
            using var decoder = SkiaDecoder.Open(p, file.Length, ImageFormat.Jpeg);
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

    /// <summary>Decodes every row the way the hasher does (streamed scanlines), and nothing else.</summary>
    public long DecodeOnly()
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

    /// <summary>Luma, filter, DCT and bits from pixels already decoded.</summary>
    public int HashOnly()
    {
        var copy = System.Buffers.ArrayPool<byte>.Shared.Rent(_pixels.Length);
        _pixels.CopyTo(copy, 0);
        using var source = new BufferPixelSource(copy, _width, _height, _channels);
        return ImageHasher.HashHma(source, dihedral: false).Quality;
    }

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
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {MachineModel()}; .NET {Environment.Version}; single thread, median of {runs} runs");
        Console.WriteLine("image | decode ms | hash ms | whole ms | --fast ms | djpeg ms | img/s/core | hash/decode (goal < 0.25) | whole/djpeg (goal <= 1.5) | fast speed-up");
        foreach (var image in images)
        {
            var path = DataPath(image);
            var file = File.ReadAllBytes(path);
            using var stages = new PdqImageStages(file);
            double decode = Median(runs, () => stages.DecodeOnly());
            double hash = Median(runs, () => stages.HashOnly());
            double whole = Median(runs, () => new ImageHasher().Hash(file));
            double fast = Median(runs, () => new ImageHasher(new ImageHashOptions { Fast = true }).Hash(file));
            double djpeg = MedianNoWarmup(runs, () => Djpeg(path));
            Console.WriteLine(string.Format(inv, "{0} ({1}x{2}) | {3:F1} | {4:F1} | {5:F1} | {6:F1} | {7:F1} | {8:F1} | {9:F2} | {10:F2} | {11:F1}x",
                image, stages._width, stages._height, decode, hash, whole, fast, djpeg, 1000 / whole, hash / decode, whole / djpeg, whole / fast));
        }
        return 0;
    }

    private static double Median(int runs, Action action)
    {
        // Enough warm-up calls for tiered compilation to reach optimised code.
        for (int i = 0; i < 40; i++)
        {
            action();
        }
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    private static double MedianNoWarmup(int runs, Action action)
    {
        action();
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }

    private static void Djpeg(string path)
    {
        // -outfile /dev/null keeps the cost to decoding plus writing the PPM to nowhere; process start is included (~1 ms).
        var psi = new ProcessStartInfo("djpeg") { UseShellExecute = false, RedirectStandardOutput = true };
        psi.ArgumentList.Add("-outfile");
        psi.ArgumentList.Add("/dev/null");
        psi.ArgumentList.Add(path);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("djpeg did not start");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"djpeg exited {process.ExitCode}");
        }
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
