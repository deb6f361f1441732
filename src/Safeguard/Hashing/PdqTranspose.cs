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

    private static int ToLanesAvx(ReadOnlySpan<float> rows, Span<float> lanes, int cols)
    {
        ref float src = ref MemoryMarshal.GetReference(rows);
        ref float dst = ref MemoryMarshal.GetReference(lanes);
        Span<Vector256<float>> block = stackalloc Vector256<float>[8];
        int c = 0;
        for (; c + 8 <= cols; c += 8)
        {
            for (int k = 0; k < 8; k++)
            {
                block[k] = Vector256.LoadUnsafe(ref src, (nuint)((k * cols) + c));
            }
            Transpose8x8(block);
            for (int j = 0; j < 8; j++)
            {
                block[j].StoreUnsafe(ref dst, (nuint)((c + j) * 8));
            }
        }
        return c;
    }

    private static int FromLanesAvx(ReadOnlySpan<float> lanes, Span<float> rows, int cols)
    {
        ref float src = ref MemoryMarshal.GetReference(lanes);
        ref float dst = ref MemoryMarshal.GetReference(rows);
        Span<Vector256<float>> block = stackalloc Vector256<float>[8];
        int c = 0;
        for (; c + 8 <= cols; c += 8)
        {
            for (int j = 0; j < 8; j++)
            {
                block[j] = Vector256.LoadUnsafe(ref src, (nuint)((c + j) * 8));
            }
            Transpose8x8(block);
            for (int k = 0; k < 8; k++)
            {
                block[k].StoreUnsafe(ref dst, (nuint)((k * cols) + c));
            }
        }
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(Span<Vector256<float>> m)
    {
        var t0 = Avx.UnpackLow(m[0], m[1]);
        var t1 = Avx.UnpackHigh(m[0], m[1]);
        var t2 = Avx.UnpackLow(m[2], m[3]);
        var t3 = Avx.UnpackHigh(m[2], m[3]);
        var t4 = Avx.UnpackLow(m[4], m[5]);
        var t5 = Avx.UnpackHigh(m[4], m[5]);
        var t6 = Avx.UnpackLow(m[6], m[7]);
        var t7 = Avx.UnpackHigh(m[6], m[7]);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        m[0] = Avx.Permute2x128(u0, u4, 0x20);
        m[1] = Avx.Permute2x128(u1, u5, 0x20);
        m[2] = Avx.Permute2x128(u2, u6, 0x20);
        m[3] = Avx.Permute2x128(u3, u7, 0x20);
        m[4] = Avx.Permute2x128(u0, u4, 0x31);
        m[5] = Avx.Permute2x128(u1, u5, 0x31);
        m[6] = Avx.Permute2x128(u2, u6, 0x31);
        m[7] = Avx.Permute2x128(u3, u7, 0x31);
    }
}
