// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Tests.Hashing;

/// <summary>
/// A plain, whole-buffer transcription of specs/pdq.md §6–§7 written independently of the
/// streaming, vectorised production code, as the scalar twin it must agree with bit for bit.
/// </summary>
internal static class PdqScalarOracle
{
    public static float[] Decimate(float[] luma, int rows, int cols)
    {
        if (rows == 64 && cols == 64)
        {
            return (float[])luma.Clone();
        }
        var p = (float[])luma.Clone();
        var q = new float[rows * cols];
        int wh = (cols + 127) / 128, wv = (rows + 127) / 128;
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < rows; i++)
            {
                Box(p, i * cols, q, i * cols, cols, 1, wh);
            }
            for (int j = 0; j < cols; j++)
            {
                Box(q, j, p, j, rows, cols, wv);
            }
        }
        var a = new float[64 * 64];
        for (int i = 0; i < 64; i++)
        {
            int ri = (int)(((i + 0.5) * rows) / 64);
            for (int j = 0; j < 64; j++)
            {
                int cj = (int)(((j + 0.5) * cols) / 64);
                a[(i * 64) + j] = p[(ri * cols) + cj];
            }
        }
        return a;
    }

    private static void Box(float[] input, int inStart, float[] output, int outStart, int n, int stride, int w)
    {
        int h = (w + 2) / 2;
        float sum = 0;
        int cnt = 0, r = 0, l = 0, o = 0;
        float In(int k) => input[inStart + (k * stride)];
        void Out(float v) => output[outStart + (o++ * stride)] = v;
        for (int k = 0; k < h - 1; k++) { sum += In(r++); cnt++; }
        for (int k = 0; k < w - h + 1; k++) { sum += In(r++); cnt++; Out(sum / cnt); }
        for (int k = 0; k < n - w; k++) { sum += In(r++); sum -= In(l++); Out(sum / cnt); }
        for (int k = 0; k < h - 1; k++) { sum -= In(l++); cnt--; Out(sum / cnt); }
    }
}
