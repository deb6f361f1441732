// SPDX-License-Identifier: Apache-2.0
using BenchmarkDotNet.Running;
using Safeguard.Benchmarks;

if (args.Length > 0 && args[0] == "hash-vs-djpeg")
{
    int runs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15;
    return PdqImageStages.CompareWithDjpeg(["bridge-mods/aaa-orig.jpg", "reg-test-input/exif-rotn/exif-rotn-1.jpg"], runs);
}
if (args.Length > 0 && args[0] == "text-scan-stopwatch")
{
    return Safeguard.Benchmarks.Text.TextScanStopwatch.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 41);
}
BenchmarkSwitcher.FromAssembly(typeof(PdqImageStages).Assembly).Run(args);
return 0;
