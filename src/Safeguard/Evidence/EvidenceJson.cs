// SPDX-License-Identifier: Apache-2.0
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Safeguard.Evidence;

/// <summary>The one JSON setting used by every file the vault, audit sink and report store write.</summary>
internal static class EvidenceJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        // Stored files are read by people during audits: keep non-ASCII text readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };

    /// <summary>Writes a file so that a crash leaves either the old or the new content, never half.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        string temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Writes a file that must never be replaced; fails if it already exists.</summary>
    public static void WriteOnce(string path, ReadOnlySpan<byte> bytes)
    {
        if (File.Exists(path))
        {
            throw new IOException($"'{path}' already exists and is write-once");
        }
        string temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        // Move without overwrite: a crash leaves a stray temp file, never a half-written original.
        File.Move(temp, path, overwrite: false);
        File.SetAttributes(path, FileAttributes.ReadOnly);
    }
}
