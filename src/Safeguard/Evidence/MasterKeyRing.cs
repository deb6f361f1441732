// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text.Json;

namespace Safeguard.Evidence;

/// <summary>
/// The vault's master keys (AES-256), each with an id. New object keys are wrapped with
/// <see cref="CurrentId"/>; older keys stay in the ring until <see cref="EvidenceVault.RewrapObjectKeys"/>
/// has moved every object to the current one. Key material comes from configuration or a key file
/// kept outside the repository (format "Vault key file" in docs/formats.md).
/// </summary>
public sealed class MasterKeyRing
{
    /// <summary>The format tag of a key file.</summary>
    public const string KeyFileFormat = "safeguard.vault.keys/1";

    private readonly Dictionary<string, byte[]> _keys;

    /// <summary>Builds a ring from key ids and 32-byte keys; <paramref name="currentId"/> wraps new keys.</summary>
    public MasterKeyRing(string currentId, IReadOnlyDictionary<string, byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, key) in keys)
        {
            ValidateKeyId(id);
            if (key is null || key.Length != 32)
            {
                throw new ArgumentException($"master key '{id}' must be 32 bytes (AES-256), not {key?.Length ?? 0}", nameof(keys));
            }
            _keys[id] = (byte[])key.Clone();
        }
        if (!_keys.ContainsKey(currentId))
        {
            throw new ArgumentException($"the current master key id '{currentId}' is not among the keys", nameof(currentId));
        }
        CurrentId = currentId;
    }

    /// <summary>The id of the key that wraps new object keys.</summary>
    public string CurrentId { get; }

    /// <summary>Ids of every key in the ring.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>A ring with one fresh random key (for tests and first-time setup).</summary>
    public static MasterKeyRing Generate(string id) =>
        new(id, new Dictionary<string, byte[]> { [id] = RandomNumberGenerator.GetBytes(32) });

    /// <summary>
    /// Parses the configuration form <c>current=ID;ID=BASE64;ID=BASE64</c> (for example from an
    /// environment variable). The error never repeats key material.
    /// </summary>
    public static MasterKeyRing Parse(string configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? current = null;
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var part in configuration.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException("master key configuration: each entry must be NAME=VALUE");
            }
            string name = part[..eq];
            string value = part[(eq + 1)..];
            if (name == "current")
            {
                current = value;
                continue;
            }
            try
            {
                keys[name] = Convert.FromBase64String(value);
            }
            catch (FormatException)
            {
                throw new FormatException($"master key configuration: key '{name}' is not base64");
            }
        }
        if (current is null)
        {
            throw new FormatException("master key configuration: no 'current=ID' entry");
        }
        return new MasterKeyRing(current, keys);
    }

    /// <summary>Reads a key file (JSON, format <see cref="KeyFileFormat"/>).</summary>
    public static MasterKeyRing Load(string path)
    {
        KeyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllBytes(path), EvidenceJson.Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"key file '{path}' is not valid JSON: {e.Message}", e);
        }
        if (file is null || file.Format != KeyFileFormat)
        {
            throw new FormatException($"key file '{path}' is not a {KeyFileFormat} file");
        }
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var k in file.Keys ?? [])
        {
            try
            {
                keys[k.Id] = Convert.FromBase64String(k.Key);
            }
            catch (FormatException)
            {
                throw new FormatException($"key file '{path}': key '{k.Id}' is not base64");
            }
        }
        return new MasterKeyRing(file.Current, keys);
    }

    /// <summary>Writes this ring as a key file readable only by its owner where the OS allows.</summary>
    public void Save(string path)
    {
        var file = new KeyFile(KeyFileFormat, CurrentId, [.. _keys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => new KeyFileEntry(k.Key, Convert.ToBase64String(k.Value)))]);
        EvidenceJson.WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(file, EvidenceJson.Indented));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>A ring that adds <paramref name="id"/> with a fresh key and makes it current.</summary>
    public MasterKeyRing WithNewCurrentKey(string id)
    {
        var keys = new Dictionary<string, byte[]>(_keys, StringComparer.Ordinal) { [id] = RandomNumberGenerator.GetBytes(32) };
        return new MasterKeyRing(id, keys);
    }

    /// <summary>A ring without <paramref name="id"/> (after every object was re-wrapped).</summary>
    public MasterKeyRing Without(string id)
    {
        var keys = new Dictionary<string, byte[]>(_keys, StringComparer.Ordinal);
        keys.Remove(id);
        return new MasterKeyRing(CurrentId, keys);
    }

    internal bool TryGet(string id, out byte[] key) => _keys.TryGetValue(id, out key!);

    internal byte[] Current => _keys[CurrentId];

    private static void ValidateKeyId(string id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException("a master key id is 1-64 characters of letters, digits, '-', '_' or '.'");
        }
    }

    private sealed record KeyFile(string Format, string Current, List<KeyFileEntry>? Keys);

    private sealed record KeyFileEntry(string Id, string Key);
}
