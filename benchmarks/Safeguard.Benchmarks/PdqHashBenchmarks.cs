// SPDX-License-Identifier: Apache-2.0
using BenchmarkDotNet.Attributes;
using Safeguard.Imaging;

namespace Safeguard.Benchmarks;

/// <summary>
/// PDQ hashing split into decode and hash, per image, single-threaded (so the rate is per core).
/// Run: <c>dotnet run -c Release --project benchmarks/Safeguard.Benchmarks -- --filter '*PdqHash*'</c>.
/// The djpeg comparison and ratios: <c>benchmarks/hash-vs-djpeg.sh</c>.
/// </summary>
[MemoryDiagnoser]
public class PdqHashBenchmarks
{
    private byte[] _file = [];
    private PdqImageStages _stages = null!;

    [Params("bridge-mods/aaa-orig.jpg", "reg-test-input/exif-rotn/exif-rotn-1.jpg")]
    public string Image { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _file = File.ReadAllBytes(PdqImageStages.DataPath(Image));
        _stages = new PdqImageStages(_file);
    }

    [GlobalCleanup]
    public void Cleanup() => _stages.Dispose();

    [Benchmark(Description = "decode only (SkiaSharp)")]
    public long DecodeSkia() => _stages.DecodeSkia();

    [Benchmark(Description = "decode only (system libturbojpeg)")]
    public long DecodeTurbo() => _stages.DecodeTurbo();

    [Benchmark(Description = "MD5 + SHA-1 + SHA-256 of the file")]
    public int Digests() => _stages.Digests();

    [Benchmark(Description = "hash only (luma, filter, DCT, bits)")]
    public int HashOnly() => _stages.HashOnly();

    [Benchmark(Baseline = true, Description = "whole (ImageHasher.Hash)")]
    public int Whole() => new ImageHasher().Hash(_file).Quality;

    [Benchmark(Description = "whole, JPEG through SkiaSharp")]
    public int WholeSkia() => new ImageHasher(new ImageHashOptions { JpegDecoder = JpegDecoderChoice.Skia }).Hash(_file).Quality;

    [Benchmark(Description = "whole --fast")]
    public int WholeFast() => new ImageHasher(new ImageHashOptions { Fast = true }).Hash(_file).Quality;
}
