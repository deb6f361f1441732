// SPDX-License-Identifier: Apache-2.0
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Safeguard.Imaging;

/// <summary>
/// The TurboJPEG 2.x API of the system's libjpeg-turbo (Debian <c>libturbojpeg0</c>), which is built
/// with its SIMD code, unlike the copy inside SkiaSharp's native assets. Only the functions the
/// decoder needs; every one exists from TurboJPEG 2.0 and is kept by 3.x. Errors never unwind
/// through native frames: TurboJPEG catches libjpeg's <c>longjmp</c> and returns -1.
/// </summary>
internal static partial class TurboJpegNative
{
    public const string LibraryName = "libturbojpeg.so.0";

    // turbojpeg.h: pixel formats, colour spaces, flags and error codes.
    public const int PixelFormatRgb = 0;
    public const int PixelFormatGray = 6;
    public const int PixelFormatCmyk = 11;
    public const int ColorspaceGray = 2;
    public const int ColorspaceCmyk = 3;
    public const int ColorspaceYcck = 4;

    /// <summary>Stop a progressive image after 500 scans (a crafted file can otherwise hold millions of tiny scans).</summary>
    public const int FlagLimitScans = 32768;

    public const int ErrorWarning = 0;

    private static readonly string[] RequiredExports =
        ["tjInitDecompress", "tjDestroy", "tjDecompressHeader3", "tjDecompress2", "tjGetErrorStr2", "tjGetErrorCode"];

    private static readonly Lazy<bool> Loadable = new(Probe);

    /// <summary>True when the system library loads and has every function used here.</summary>
    public static bool IsAvailable => Loadable.Value;

    private static bool Probe()
    {
        if (!NativeLibrary.TryLoad(LibraryName, typeof(TurboJpegNative).Assembly, null, out var library))
        {
            return false;
        }
        foreach (var name in RequiredExports)
        {
            if (!NativeLibrary.TryGetExport(library, name, out _))
            {
                return false;
            }
        }
        using var handle = InitDecompress();
        return !handle.IsInvalid;
    }

    [LibraryImport(LibraryName, EntryPoint = "tjInitDecompress")]
    public static partial TurboJpegHandle InitDecompress();

    [LibraryImport(LibraryName, EntryPoint = "tjDestroy")]
    public static partial int Destroy(nint handle);

    [LibraryImport(LibraryName, EntryPoint = "tjDecompressHeader3")]
    public static unsafe partial int DecompressHeader(
        TurboJpegHandle handle, byte* jpeg, CULong jpegSize, out int width, out int height, out int subsampling, out int colorspace);

    [LibraryImport(LibraryName, EntryPoint = "tjDecompress2")]
    public static unsafe partial int Decompress(
        TurboJpegHandle handle, byte* jpeg, CULong jpegSize, byte* destination, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(LibraryName, EntryPoint = "tjGetErrorStr2")]
    public static partial nint ErrorString(TurboJpegHandle handle);

    [LibraryImport(LibraryName, EntryPoint = "tjGetErrorCode")]
    public static partial int ErrorCode(TurboJpegHandle handle);

    /// <summary>The last error or warning of <paramref name="handle"/>, as libjpeg words it.</summary>
    public static string LastError(TurboJpegHandle handle) => Marshal.PtrToStringUTF8(ErrorString(handle)) ?? "no message";
}

/// <summary>A TurboJPEG decompressor instance; <c>tjDestroy</c> on release.</summary>
internal sealed class TurboJpegHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle() => TurboJpegNative.Destroy(handle) == 0;
}
