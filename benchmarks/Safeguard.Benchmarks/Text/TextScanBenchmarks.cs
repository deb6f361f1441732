// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using Safeguard.Text;

namespace Safeguard.Benchmarks.Text;

/// <summary>
/// Scanning mixed text against 10 000 generated placeholder keywords and 100 000 URL entries on
/// example domains. Throughput (MB/s) = <see cref="TextBytes"/> / mean time of <see cref="Scan"/>.
/// Run: <c>dotnet run -c Release --project benchmarks/Safeguard.Benchmarks -- --filter '*TextScan*' --job short</c>
/// </summary>
[MemoryDiagnoser]
public class TextScanBenchmarks
{
    private TextListSnapshot _lists = null!;
    private TextListSnapshot _alternate = null!;
    private TextListHolder _holder = null!;
    private string _text = null!;
    private Thread? _reloader;
    private volatile bool _stop;

    /// <summary>While true, another thread rebuilds the lists and swaps them in continuously.</summary>
    [Params(false, true)]
    public bool ReloadConcurrently { get; set; }

    /// <summary>UTF-8 size of the scanned text.</summary>
    public static int TextBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        _lists = TextBenchmarkData.BuildLists(seed: 1);
        _alternate = TextBenchmarkData.BuildLists(seed: 2);
        _holder = new TextListHolder(_lists);
        _text = TextBenchmarkData.MixedText(1 << 20, seed: 3);
        TextBytes = Encoding.UTF8.GetByteCount(_text);
        Console.WriteLine($"// text: {TextBytes} UTF-8 bytes; lists: {_lists.KeywordEntryCount} keywords, {_lists.UrlEntryCount} URL entries; hits per scan: {_lists.Scan(_text).Hits.Count}");
        Console.WriteLine($"// retained by one snapshot: {TextBenchmarkData.RetainedBytes(1) / (1024 * 1024)} MiB");
        if (ReloadConcurrently)
        {
            _stop = false;
            _reloader = new Thread(() =>
            {
                int i = 0;
                while (!_stop)
                {
                    _holder.Swap(TextBenchmarkData.BuildLists(seed: 10 + (i++ % 2)));
                }
            }) { IsBackground = true, Priority = ThreadPriority.BelowNormal };
            _reloader.Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _reloader?.Join();
        GC.KeepAlive(_alternate);
    }

    [Benchmark]
    public int Scan() => _holder.Scan(_text).Hits.Count;
}

/// <summary>
/// The <see cref="TextScanBenchmarks"/> workload timed with a stopwatch and with the scanning
/// thread's CPU time, which leaves out the time the thread waits for a core on a busy machine.
/// Run: <c>dotnet run -c Release --project benchmarks/Safeguard.Benchmarks -- text-scan-stopwatch [scans]</c>
/// </summary>
public static partial class TextScanStopwatch
{
    public static int Run(int scans)
    {
        var lists = TextBenchmarkData.BuildLists(seed: 1);
        string text = TextBenchmarkData.MixedText(1 << 20, seed: 3);
        int bytes = Encoding.UTF8.GetByteCount(text);
        for (int i = 0; i < 40; i++)
        {
            lists.Scan(text); // warm-up: every method at its final tier
        }
        var wall = new List<double>();
        var cpu = new List<double>();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < scans; i++)
        {
            double cpuStart = ThreadCpuMilliseconds();
            long start = Stopwatch.GetTimestamp();
            lists.Scan(text);
            wall.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            cpu.Add(ThreadCpuMilliseconds() - cpuStart);
        }
        allocated = (GC.GetAllocatedBytesForCurrentThread() - allocated) / scans;
        wall.Sort();
        cpu.Sort();
        double wallMedian = wall[scans / 2];
        double cpuMedian = cpu[scans / 2];
        Console.WriteLine(FormattableString.Invariant(
            $"{bytes} bytes, {scans} scans: wall median {wallMedian:F2} ms ({bytes / wallMedian / 1000:F1} MB/s), thread CPU median {cpuMedian:F2} ms ({bytes / cpuMedian / 1000:F1} MB/s), allocated {allocated / 1048576.0:F2} MiB per scan"));
        return 0;
    }

    // clock_gettime(CLOCK_THREAD_CPUTIME_ID); elsewhere than Linux, the process's CPU time.
    private static double ThreadCpuMilliseconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(3, out var time) == 0)
        {
            return (time.Seconds * 1e3) + (time.Nanoseconds / 1e6);
        }
        return Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}

/// <summary>Building a snapshot (a list reload) of the same size.</summary>
[MemoryDiagnoser]
public class TextListBuildBenchmarks
{
    [Benchmark]
    public TextListSnapshot Build() => TextBenchmarkData.BuildLists(seed: 1);
}

public static class TextBenchmarkData
{
    private static readonly string[] s_syllables = ["ba", "ko", "ri", "zu", "me", "ta", "lo", "pi", "ne", "su", "da", "vo", "qui", "xan", "gel", "mor"];
    private static readonly string[] s_words =
    [
        "the", "and", "we", "walked", "to", "river", "today", "with", "a", "friend", "after", "school", "it", "was", "sunny",
        "photo", "game", "later", "tonight", "message", "me", "when", "you", "get", "home", "great", "thanks", "see", "link",
        "café", "naïve", "привет", "🙂", "ok", "lol", "42", "7pm", "b4", "gr8", "no", "yes", "maybe", "weekend", "music",
    ];

    /// <summary>10 000 generated placeholder keywords and 100 000 URL entries (90 000 pages, 10 000 domains).</summary>
    public static TextListSnapshot BuildLists(int seed)
    {
        var rng = new Random(seed);
        var builder = new TextListBuilder()
            .AddList(new TextListInfo("kw", "placeholder", "bench"))
            .AddList(new TextListInfo("urls", "placeholder", "bench"));
        var terms = new HashSet<string>(StringComparer.Ordinal);
        while (terms.Count < 10_000)
        {
            var sb = new StringBuilder();
            int n = rng.Next(2, 5);
            for (int i = 0; i < n; i++)
            {
                sb.Append(s_syllables[rng.Next(s_syllables.Length)]);
            }
            if (rng.Next(4) == 0)
            {
                sb.Append(rng.Next(10, 100));
            }
            terms.Add(sb.ToString());
        }
        int id = 0;
        foreach (string term in terms)
        {
            builder.AddKeyword("kw", (id++).ToString(System.Globalization.CultureInfo.InvariantCulture), term);
        }
        for (int i = 0; i < 90_000; i++)
        {
            builder.AddUrl("urls", "p" + i, $"http://site{i % 5000}.example.com/gallery/{i}/photo{rng.Next(1000)}.jpg");
        }
        for (int i = 0; i < 10_000; i++)
        {
            builder.AddDomain("urls", "d" + i, $"host{i}.example.org");
        }
        return builder.Build();
    }

    /// <summary>About <paramref name="chars"/> chars of chat-like text: words, numbers, some non-ASCII, links, a few listed terms.</summary>
    public static string MixedText(int chars, int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder(chars + 256);
        while (sb.Length < chars)
        {
            int r = rng.Next(1000);
            if (r < 5)
            {
                sb.Append("http://site").Append(rng.Next(5000)).Append(".example.com/gallery/").Append(rng.Next(90_000)).Append("/photo1.jpg");
            }
            else if (r < 8)
            {
                sb.Append("hxxp://host").Append(rng.Next(20_000)).Append("[.]example[.]org/x");
            }
            else if (r < 12)
            {
                sb.Append("www.example.net/page").Append(rng.Next(100));
            }
            else if (r < 15)
            {
                sb.Append(s_syllables[rng.Next(16)]).Append(s_syllables[rng.Next(16)]).Append(s_syllables[rng.Next(16)]);
            }
            else
            {
                sb.Append(s_words[rng.Next(s_words.Length)]);
            }
            sb.Append(rng.Next(12) switch { 0 => ". ", 1 => ", ", 2 => "\n", 3 => "! ", _ => " " });
        }
        return sb.ToString();
    }

    /// <summary>Managed bytes retained by one built snapshot.</summary>
    public static long RetainedBytes(int seed)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long before = GC.GetTotalMemory(true);
        var lists = BuildLists(seed);
        long after = GC.GetTotalMemory(true);
        GC.KeepAlive(lists);
        return after - before;
    }
}
