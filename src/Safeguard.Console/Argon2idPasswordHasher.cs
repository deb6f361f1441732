// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;
using Safeguard.Accounts;

namespace Safeguard.ReviewConsole;

/// <summary>Argon2id cost settings.</summary>
/// <param name="MemoryKiB">Memory per hash in KiB.</param>
/// <param name="Iterations">Passes over the memory.</param>
/// <param name="Parallelism">Lanes.</param>
public sealed record Argon2Parameters(int MemoryKiB, int Iterations, int Parallelism)
{
    /// <summary>OWASP's recommended minimum for Argon2id: 19 MiB, 2 passes, 1 lane.</summary>
    public static Argon2Parameters Default { get; } = new(19_456, 2, 1);
}

/// <summary>
/// Passwords hashed with Argon2id (RFC 9106) into the PHC string format
/// <c>$argon2id$v=19$m=&lt;KiB&gt;,t=&lt;passes&gt;,p=&lt;lanes&gt;$&lt;salt&gt;$&lt;hash&gt;</c> (unpadded base64,
/// 16-byte salt, 32-byte hash). The stored parameters are used to verify, so raising the cost later
/// does not lock anyone out; verification refuses parameters beyond sane bounds so that a tampered
/// row cannot make sign-in burn memory.
/// </summary>
public sealed class Argon2idPasswordHasher(Argon2Parameters parameters) : IPasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int MaxMemoryKiB = 1 << 20;
    private const int MaxIterations = 16;
    private const int MaxParallelism = 16;
    private const int MaxPasswordChars = 1024;

    public Argon2idPasswordHasher()
        : this(Argon2Parameters.Default)
    {
    }

    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Compute(password, salt, parameters, HashBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v=19$m={parameters.MemoryKiB},t={parameters.Iterations},p={parameters.Parallelism}${Base64(salt)}${Base64(hash)}");
    }

    public bool Verify(string password, string encoded)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length > MaxPasswordChars || !TryParse(encoded, out var p, out var salt, out var expected))
        {
            return false;
        }
        var actual = Compute(password, salt, p, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Raw Argon2id, exposed for the RFC 9106 test vector.</summary>
    internal static byte[] Compute(byte[] password, byte[] salt, Argon2Parameters p, int length, byte[]? secret = null, byte[]? associatedData = null)
    {
        using var argon = new Argon2id(password)
        {
            Salt = salt,
            MemorySize = p.MemoryKiB,
            Iterations = p.Iterations,
            DegreeOfParallelism = p.Parallelism,
            KnownSecret = secret,
            AssociatedData = associatedData,
        };
        return argon.GetBytes(length);
    }

    private static byte[] Compute(string password, byte[] salt, Argon2Parameters p, int length)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Compute(bytes, salt, p, length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static bool TryParse(string? encoded, out Argon2Parameters p, out byte[] salt, out byte[] hash)
    {
        p = Argon2Parameters.Default;
        salt = hash = [];
        var parts = encoded?.Split('$');
        if (parts is not { Length: 6 } || parts[0].Length != 0 || parts[1] != "argon2id" || parts[2] != "v=19")
        {
            return false;
        }
        int m = 0, t = 0, lanes = 0;
        foreach (var kv in parts[3].Split(','))
        {
            if (kv.Length < 3 || kv[1] != '=' || !int.TryParse(kv.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }
            switch (kv[0])
            {
                case 'm': m = value; break;
                case 't': t = value; break;
                case 'p': lanes = value; break;
                default: return false;
            }
        }
        if (m is < 8 or > MaxMemoryKiB || t is < 1 or > MaxIterations || lanes is < 1 or > MaxParallelism || m < 8 * lanes)
        {
            return false;
        }
        if (!TryBase64(parts[4], out salt) || !TryBase64(parts[5], out hash) || salt.Length < 8 || hash.Length is < 16 or > 64)
        {
            return false;
        }
        p = new Argon2Parameters(m, t, lanes);
        return true;
    }

    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length is 0 or > 200)
        {
            return false;
        }
        var padded = text + new string('=', (4 - (text.Length % 4)) % 4);
        var buffer = new byte[padded.Length];
        if (!Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }
        bytes = buffer[..written];
        return true;
    }
}
