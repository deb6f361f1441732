// SPDX-License-Identifier: Apache-2.0
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Safeguard.Hashing;

/// <summary>
/// Moves a strip of rows into interleaved lanes (sample <c>c</c> of row <c>k</c> at <c>c · lanes + k</c>)
/// and back. Pure data movement: no arithmetic, so it cannot change a result. 8 × 8 blocks use AVX
/// shuffles when available; <see cref="ToLanesScalar"/> and <see cref="FromLanesScalar"/> are the plain twins.
/// </summary>
internal static class PdqTranspose
{
    public static void ToLanes(ReadOnlySpan<float> rows, Span<float> lanes, int laneCount, int cols)
    {
        int done = laneCount == 8 && Avx.IsSupported ? ToLanesAvx(rows, lanes, cols) : 0;
        ToLanesScalar(rows, lanes, laneCount, cols, done);
    }

    /// <summary>Writes the first <paramref name="rowCount"/> rows (all lanes when omitted) of <paramref name="lanes"/> to <paramref name="rows"/>.</summary>
    public static void FromLanes(ReadOnlySpan<float> lanes, Span<float> rows, int laneCount, int cols, int rowCount = -1)
    {
        if (rowCount < 0 || rowCount == laneCount)
        {
            int done = laneCount == 8 && Avx.IsSupported ? FromLanesAvx(lanes, rows, cols) : 0;
            FromLanesScalar(lanes, rows, laneCount, cols, done);
            return;
        }
        for (int k = 0; k < rowCount; k++)
        {
            for (int c = 0; c < cols; c++)
            {
                rows[(k * cols) + c] = lanes[(c * laneCount) + k];
            }
        }
    }

    internal static void ToLanesScalar(ReadOnlySpan<float> rows, Span<float> lanes, int laneCount, int cols, int fromColumn = 0)
    {
        for (int k = 0; k < laneCount; k++)
        {
            for (int c = fromColumn; c < cols; c++)
            {
                lanes[(c * laneCount) + k] = rows[(k * cols) + c];
            }
        }
    }

    internal static void FromLanesScalar(ReadOnlySpan<float> lanes, Span<float> rows, int laneCount, int cols, int fromColumn = 0)
    {
        for (int k = 0; k < laneCount; k++)
        {
            for (int c = fromColumn; c < cols; c++)
            {
                rows[(k * cols) + c] = lanes[(c * laneCount) + k];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ToLanesAvx(ReadOnlySpan<float> rows, Span<float> lanes, int cols)
    {
        ref float src = ref MemoryMarshal.GetReference(rows);
        ref float dst = ref MemoryMarshal.GetReference(lanes);
        nuint stride = (nuint)cols;
        int c = 0;
        for (; c + 8 <= cols; c += 8)
        {
            ref float block = ref Unsafe.Add(ref src, c);
            TransposeStore(
                Vector256.LoadUnsafe(ref block), Vector256.LoadUnsafe(ref block, stride), Vector256.LoadUnsafe(ref block, 2 * stride), Vector256.LoadUnsafe(ref block, 3 * stride),
                Vector256.LoadUnsafe(ref block, 4 * stride), Vector256.LoadUnsafe(ref block, 5 * stride), Vector256.LoadUnsafe(ref block, 6 * stride), Vector256.LoadUnsafe(ref block, 7 * stride),
                ref Unsafe.Add(ref dst, c * 8), 8);
        }
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FromLanesAvx(ReadOnlySpan<float> lanes, Span<float> rows, int cols)
    {
        ref float src = ref MemoryMarshal.GetReference(lanes);
        ref float dst = ref MemoryMarshal.GetReference(rows);
        int c = 0;
        for (; c + 8 <= cols; c += 8)
        {
            ref float block = ref Unsafe.Add(ref src, c * 8);
            TransposeStore(
                Vector256.LoadUnsafe(ref block), Vector256.LoadUnsafe(ref block, 8), Vector256.LoadUnsafe(ref block, 16), Vector256.LoadUnsafe(ref block, 24),
                Vector256.LoadUnsafe(ref block, 32), Vector256.LoadUnsafe(ref block, 40), Vector256.LoadUnsafe(ref block, 48), Vector256.LoadUnsafe(ref block, 56),
                ref Unsafe.Add(ref dst, c), (nuint)cols);
        }
        return c;
    }

    /// <summary>
    /// Transposes the 8 × 8 block whose rows are <paramref name="m0"/>…<paramref name="m7"/> and
    /// stores its row j at <c>destination + j · stride</c>. The block stays in registers (the
    /// vectors are passed by value into inlined code), which matters: through memory it costs more
    /// than the arithmetic around it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void TransposeStore(
        Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3,
        Vector256<float> m4, Vector256<float> m5, Vector256<float> m6, Vector256<float> m7,
        ref float destination, nuint stride)
    {
        var t0 = Avx.UnpackLow(m0, m1);
        var t1 = Avx.UnpackHigh(m0, m1);
        var t2 = Avx.UnpackLow(m2, m3);
        var t3 = Avx.UnpackHigh(m2, m3);
        var t4 = Avx.UnpackLow(m4, m5);
        var t5 = Avx.UnpackHigh(m4, m5);
        var t6 = Avx.UnpackLow(m6, m7);
        var t7 = Avx.UnpackHigh(m6, m7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref destination, stride);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref destination, 2 * stride);
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref destination, 3 * stride);
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref destination, 4 * stride);
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref destination, 5 * stride);
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref destination, 6 * stride);
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref destination, 7 * stride);
    }
}
