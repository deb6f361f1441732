// SPDX-License-Identifier: Apache-2.0
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Safeguard.Matching;

/// <summary>Which distance kernel a scan uses. All give identical results; tests force each one.</summary>
internal enum ScanKernel
{
    /// <summary>The best the CPU supports.</summary>
    Auto,

    /// <summary>Four <see cref="BitOperations.PopCount(ulong)"/> per code: the reference.</summary>
    Scalar,

    /// <summary>128-bit vectors: AdvSimd byte popcount, or SSSE3 nibble lookup.</summary>
    Vector128,

    /// <summary>AVX2 nibble lookup (vpshufb + vpsadbw), four codes per step.</summary>
    Vector256,
}

/// <summary>
/// Linear Hamming scans over packed codes (4 ulongs per code). A scan reports each code index
/// within the radius and its distance to a caller-supplied sink; the sink filters tombstones.
/// </summary>
internal static class HammingScan
{
    /// <summary>The kernel that will run for <paramref name="kernel"/> on this CPU.</summary>
    public static ScanKernel Resolve(ScanKernel kernel)
    {
        if (kernel == ScanKernel.Auto)
        {
            return Avx2.IsSupported ? ScanKernel.Vector256
                : (AdvSimd.IsSupported || Ssse3.IsSupported) ? ScanKernel.Vector128
                : ScanKernel.Scalar;
        }
        if (kernel == ScanKernel.Vector256 && !Avx2.IsSupported)
        {
            return Resolve(ScanKernel.Vector128);
        }
        if (kernel == ScanKernel.Vector128 && !(AdvSimd.IsSupported || Ssse3.IsSupported))
        {
            return ScanKernel.Scalar;
        }
        return kernel;
    }

    public interface IHitSink
    {
        void Hit(int index, int distance);
    }

    /// <summary>Reports every code in <paramref name="codes"/> (4 words each) within <paramref name="radius"/> of <paramref name="query"/>.</summary>
    public static void Scan<TSink>(ReadOnlySpan<ulong> codes, in QueryWords query, int radius, ref TSink sink, ScanKernel kernel = ScanKernel.Auto)
        where TSink : struct, IHitSink
    {
        int count = codes.Length / 4;
        int done = Resolve(kernel) switch
        {
            ScanKernel.Vector256 => ScanVector256(codes, query, radius, ref sink),
            ScanKernel.Vector128 => ScanVector128(codes, query, radius, ref sink),
            _ => 0,
        };
        ScanScalar(codes, done, count, query, radius, ref sink);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Distance(ReadOnlySpan<ulong> codes, int index, in QueryWords q)
    {
        ref ulong c = ref Unsafe.Add(ref MemoryMarshal.GetReference(codes), index * 4);
        return BitOperations.PopCount(c ^ q.W0) + BitOperations.PopCount(Unsafe.Add(ref c, 1) ^ q.W1) +
               BitOperations.PopCount(Unsafe.Add(ref c, 2) ^ q.W2) + BitOperations.PopCount(Unsafe.Add(ref c, 3) ^ q.W3);
    }

    private static void ScanScalar<TSink>(ReadOnlySpan<ulong> codes, int from, int to, in QueryWords q, int radius, ref TSink sink)
        where TSink : struct, IHitSink
    {
        for (int i = from; i < to; i++)
        {
            int d = Distance(codes, i, q);
            if (d <= radius)
            {
                sink.Hit(i, d);
            }
        }
    }

    // Four distances (each ≤ 256) packed in 16-bit fields; a field is ≤ radius when its
    // borrow-guarded subtraction keeps the top bit clear.
    private const ulong FieldHighBits = 0x8000_8000_8000_8000UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReportPacked<TSink>(ulong packed, int baseIndex, int radius, ref TSink sink)
        where TSink : struct, IHitSink
    {
        ulong limit = (ulong)(radius + 1) * 0x0001_0001_0001_0001UL;
        ulong below = ~((packed | FieldHighBits) - limit) & FieldHighBits;
        while (below != 0)
        {
            int field = BitOperations.TrailingZeroCount(below) >> 4;
            sink.Hit(baseIndex + field, (int)((packed >> (field * 16)) & 0xFFFF));
            below &= below - 1;
        }
    }

    private static int ScanVector256<TSink>(ReadOnlySpan<ulong> codes, in QueryWords q, int radius, ref TSink sink)
        where TSink : struct, IHitSink
    {
        int count = codes.Length / 4;
        int blocks = count / 4;
        if (blocks == 0 || radius >= 0x7FFF)
        {
            return 0;
        }
        var lut = Vector256.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var nibble = Vector256.Create((byte)0x0F);
        var qv = Vector256.Create(q.W0, q.W1, q.W2, q.W3).AsByte();
        ref ulong start = ref MemoryMarshal.GetReference(codes);
        for (int b = 0; b < blocks; b++)
        {
            ref ulong block = ref Unsafe.Add(ref start, b * 16);
            var s0 = Sad(Vector256.LoadUnsafe(ref block).AsByte() ^ qv, lut, nibble);
            var s1 = Sad(Vector256.LoadUnsafe(ref block, 4).AsByte() ^ qv, lut, nibble);
            var s2 = Sad(Vector256.LoadUnsafe(ref block, 8).AsByte() ^ qv, lut, nibble);
            var s3 = Sad(Vector256.LoadUnsafe(ref block, 12).AsByte() ^ qv, lut, nibble);
            var packed = s0 | (s1 << 16) | (s2 << 32) | (s3 << 48);
            var folded = packed + Avx2.Permute4x64(packed, 0b01_00_11_10);
            ulong total = folded.GetElement(0) + folded.GetElement(1);
            ReportPacked(total, b * 4, radius, ref sink);
        }
        return blocks * 4;

        static Vector256<ulong> Sad(Vector256<byte> x, Vector256<byte> lut, Vector256<byte> nibble)
        {
            var lo = Avx2.Shuffle(lut, x & nibble);
            var hi = Avx2.Shuffle(lut, Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & nibble);
            return Avx2.SumAbsoluteDifferences(lo + hi, Vector256<byte>.Zero).AsUInt64();
        }
    }

    private static int ScanVector128<TSink>(ReadOnlySpan<ulong> codes, in QueryWords q, int radius, ref TSink sink)
        where TSink : struct, IHitSink
    {
        int count = codes.Length / 4;
        int blocks = count / 4;
        if (blocks == 0 || radius >= 0x7FFF)
        {
            return 0;
        }
        var qLo = Vector128.Create(q.W0, q.W1).AsByte();
        var qHi = Vector128.Create(q.W2, q.W3).AsByte();
        ref ulong start = ref MemoryMarshal.GetReference(codes);
        for (int b = 0; b < blocks; b++)
        {
            ref ulong block = ref Unsafe.Add(ref start, b * 16);
            ulong total = 0;
            for (int k = 0; k < 4; k++)
            {
                var lo = Vector128.LoadUnsafe(ref block, (nuint)(k * 4)).AsByte() ^ qLo;
                var hi = Vector128.LoadUnsafe(ref block, (nuint)((k * 4) + 2)).AsByte() ^ qHi;
                total |= (ulong)CodeDistance(lo, hi) << (k * 16);
            }
            ReportPacked(total, b * 4, radius, ref sink);
        }
        return blocks * 4;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint CodeDistance(Vector128<byte> lo, Vector128<byte> hi)
    {
        if (AdvSimd.IsSupported)
        {
            var bytes = AdvSimd.PopCount(lo) + AdvSimd.PopCount(hi);
            return (uint)(Vector128.Sum(bytes.AsUInt16() & Vector128.Create((ushort)0xFF)) + Vector128.Sum(bytes.AsUInt16() >>> 8));
        }
        var lut = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        var nibble = Vector128.Create((byte)0x0F);
        var counts = Ssse3.Shuffle(lut, lo & nibble) + Ssse3.Shuffle(lut, (lo.AsUInt16() >>> 4).AsByte() & nibble)
                   + Ssse3.Shuffle(lut, hi & nibble) + Ssse3.Shuffle(lut, (hi.AsUInt16() >>> 4).AsByte() & nibble);
        var sums = Sse2.SumAbsoluteDifferences(counts, Vector128<byte>.Zero).AsUInt64();
        return (uint)(sums.GetElement(0) + sums.GetElement(1));
    }
}

/// <summary>A query code unpacked into four words (bit k of the hash in word k/64).</summary>
internal readonly struct QueryWords
{
    public readonly ulong W0;
    public readonly ulong W1;
    public readonly ulong W2;
    public readonly ulong W3;

    public QueryWords(in Safeguard.Hashing.Hash256 hash)
    {
        W0 = hash.Word0;
        W1 = hash.Word1;
        W2 = hash.Word2;
        W3 = hash.Word3;
    }
}
