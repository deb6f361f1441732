// SPDX-License-Identifier: Apache-2.0
using BenchmarkDotNet.Attributes;
using Safeguard.Hashing;

namespace Safeguard.Benchmarks;

[MemoryDiagnoser]
public class Hash256Benchmarks
{
    private readonly Hash256 _a = Hash256.Parse("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22");
    private readonly Hash256 _b = Hash256.Parse("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23");

    [Benchmark]
    public int Distance() => _a.DistanceTo(_b);
}
