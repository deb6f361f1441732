// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Safeguard.Text;

/// <summary>Whether a URL list compares query strings (specs/url-lists.md B.1).</summary>
public enum UrlQueryMode
{
    /// <summary>The query is part of the key (default).</summary>
    Keep,

    /// <summary>The query is removed from the key.</summary>
    Ignore,
}

/// <summary>Whether a URL list compares path case (specs/url-lists.md B.1).</summary>
public enum UrlPathCase
{
    /// <summary>Path case is significant (default).</summary>
    Preserve,

    /// <summary>ASCII letters in the path are lower-cased, except the hex inside escapes.</summary>
    Fold,
}

/// <summary>Per-list URL matching options.</summary>
public sealed record UrlListOptions(UrlQueryMode Query = UrlQueryMode.Keep, UrlPathCase PathCase = UrlPathCase.Preserve)
{
    /// <summary>Query kept, path case preserved.</summary>
    public static UrlListOptions Default { get; } = new();
}

/// <summary>
/// A URL normalised by specs/url-lists.md B.2: <c>scheme://host[:port]/path[?query]</c>. This is the
/// form a reviewer sees; list matching uses <see cref="MatchKey"/>.
/// </summary>
public sealed record NormalizedUrl(string Scheme, string Host, int? Port, string Path, string? Query)
{
    private string? _text;
    private string? _hostKey;

    /// <summary>The host with a leading <c>www.</c> removed when a dot remains (B.3).</summary>
    public string HostKey => _hostKey ??= UrlNormalizer.StripWww(Host);

    /// <summary>The page match key under <paramref name="options"/> (B.3): no scheme, no <c>www.</c>.</summary>
    public string MatchKey(UrlListOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var buffer = new char[MatchKeyLength(options)];
        return new string(buffer, 0, WriteMatchKey(options, buffer));
    }

    /// <summary>An upper bound of the length of <see cref="MatchKey"/>.</summary>
    internal int MatchKeyLength(UrlListOptions options) =>
        HostKey.Length + 6 + Path.Length + (Query is not null && options.Query == UrlQueryMode.Keep ? Query.Length + 1 : 0);

    /// <summary>Writes <see cref="MatchKey"/> into <paramref name="destination"/> (at least <see cref="MatchKeyLength"/> long); returns its length.</summary>
    internal int WriteMatchKey(UrlListOptions options, Span<char> destination)
    {
        string hostKey = HostKey;
        hostKey.CopyTo(destination);
        int length = hostKey.Length;
        if (Port is { } port)
        {
            destination[length++] = ':';
            port.TryFormat(destination[length..], out int written, default, CultureInfo.InvariantCulture);
            length += written;
        }
        Path.CopyTo(destination[length..]);
        if (options.PathCase == UrlPathCase.Fold)
        {
            UrlNormalizer.FoldPathCase(destination.Slice(length, Path.Length));
        }
        length += Path.Length;
        if (Query is not null && options.Query == UrlQueryMode.Keep)
        {
            destination[length++] = '?';
            Query.CopyTo(destination[length..]);
            length += Query.Length;
        }
        return length;
    }

    /// <summary>The normalised URL.</summary>
    public override string ToString() => _text ??= Scheme + "://" + Host
        + (Port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : "") + Path + (Query is null ? "" : "?" + Query);
}

/// <summary>
/// URL normalisation (specs/url-lists.md B.2), built from the parts rather than from
/// <see cref="Uri.AbsoluteUri"/>; <see cref="Uri"/> is used only to canonicalise IP literals.
/// Linear in the input; hostile input gets an error, never an exception.
/// </summary>
public static class UrlNormalizer
{
    /// <summary>Longest input accepted (chars); longer input is refused, not truncated.</summary>
    public const int MaxLength = 64 * 1024;

    private static readonly IdnMapping s_idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    /// <summary>Normalises <paramref name="input"/>; false with a reason when it is not an http(s) URL.</summary>
    public static bool TryNormalize(string input, [NotNullWhen(true)] out NormalizedUrl? url, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(input);
        url = null;
        var text = input.AsSpan().Trim();
        if (text.Length == 0)
        {
            error = "the URL is empty";
            return false;
        }
        if (text.Length > MaxLength)
        {
            error = $"the URL is longer than {MaxLength} characters";
            return false;
        }

        // 1–2. Scheme.
        string scheme;
        int sep = text.IndexOf("://", StringComparison.Ordinal);
        if (sep > 0 && IsSchemeName(text[..sep]))
        {
            var name = text[..sep];
            scheme = name.Equals("http", StringComparison.OrdinalIgnoreCase) ? "http"
                : name.Equals("https", StringComparison.OrdinalIgnoreCase) ? "https"
                : name.ToString().ToLowerInvariant();
            text = text[(sep + 3)..];
        }
        else if (LooksLikeOtherScheme(text, out string? other))
        {
            error = $"the scheme '{other}' is not http or https";
            return false;
        }
        else
        {
            scheme = "http";
            text = text.TrimStart('/');
        }
        if (scheme is not ("http" or "https"))
        {
            error = $"the scheme '{scheme}' is not http or https";
            return false;
        }

        // 3–4. Backslashes become slashes; the fragment goes.
        string rest = text.ToString().Replace('\\', '/');
        int hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        // 5. Authority, without userinfo.
        int authorityEnd = rest.AsSpan().IndexOfAny('/', '?');
        if (authorityEnd < 0)
        {
            authorityEnd = rest.Length;
        }
        var authority = rest.AsSpan(0, authorityEnd);
        int at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        // 6–7. Host and port.
        ReadOnlySpan<char> hostPart;
        ReadOnlySpan<char> portPart = default;
        bool hasPort = false;
        if (authority.StartsWith('['))
        {
            int close = authority.IndexOf(']');
            if (close < 0)
            {
                error = "the IPv6 address has no closing ']'";
                return false;
            }
            hostPart = authority[..(close + 1)];
            var after = authority[(close + 1)..];
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    error = "unexpected characters after the IPv6 address";
                    return false;
                }
                portPart = after[1..];
                hasPort = true;
            }
        }
        else
        {
            int colon = authority.LastIndexOf(':');
            hostPart = colon >= 0 ? authority[..colon] : authority;
            if (colon >= 0)
            {
                portPart = authority[(colon + 1)..];
                hasPort = true;
            }
        }
        if (!TryNormalizeHostCore(hostPart, out string? host, out error))
        {
            return false;
        }
        int? port = null;
        if (hasPort && portPart.Length > 0)
        {
            if (portPart.Length > 5 || !int.TryParse(portPart, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p > 65535)
            {
                error = "the port is not a number from 0 to 65535";
                return false;
            }
            bool isDefault = (scheme == "http" && p == 80) || (scheme == "https" && p == 443);
            port = isDefault ? null : p;
        }

        // 8–10. Path and query.
        var pathAndQuery = rest.AsSpan(authorityEnd);
        int question = pathAndQuery.IndexOf('?');
        var rawPath = question >= 0 ? pathAndQuery[..question] : pathAndQuery;
        var rawQuery = question >= 0 ? pathAndQuery[(question + 1)..] : default;
        string path = CollapseSlashes(RemoveDotSegments(NormalizeComponent(rawPath, isQuery: false)));
        if (path.Length == 0)
        {
            path = "/";
        }
        string? query = rawQuery.Length > 0 ? NormalizeComponent(rawQuery, isQuery: true) : null;
        url = new NormalizedUrl(scheme, host, port, path, query);
        error = null;
        return true;
    }

    /// <summary>
    /// The host key of a domain-level entry (B.4): a bare host or a URL, normalised as a host, with a
    /// leading <c>www.</c> removed. A single label (a bare top-level domain) is refused.
    /// </summary>
    public static bool TryNormalizeDomain(string input, [NotNullWhen(true)] out string? hostKey, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(input);
        hostKey = null;
        if (!TryNormalize(input, out var url, out error))
        {
            return false;
        }
        if (url.Path != "/" || url.Query is not null || url.Port is not null)
        {
            error = "a domain entry must be a host name only, without port, path or query";
            return false;
        }
        string key = url.HostKey;
        if (!key.StartsWith('[') && !key.Contains('.', StringComparison.Ordinal))
        {
            error = "a domain entry needs at least two labels (a bare top-level domain is refused)";
            return false;
        }
        hostKey = key;
        return true;
    }

    /// <summary>Removes a leading <c>www.</c> when what remains still contains a dot (B.3).</summary>
    public static string StripWww(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.StartsWith("www.", StringComparison.Ordinal) && host.AsSpan(4).Contains('.') ? host[4..] : host;
    }

    /// <summary>Normalises a host (B.2 step 6) as written: case, NFKC, IDN to punycode, one trailing dot, IP literals.</summary>
    public static bool TryNormalizeHost(string host, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(host);
        return TryNormalizeHostCore(host, out normalized, out error);
    }

    private static bool TryNormalizeHostCore(ReadOnlySpan<char> raw, [NotNullWhen(true)] out string? host, [NotNullWhen(false)] out string? error)
    {
        host = null;
        if (raw.Length == 0)
        {
            error = "the host is empty";
            return false;
        }
        if (raw.Length > 1024)
        {
            error = "the host is longer than 1024 characters";
            return false;
        }
        if (raw[0] == '[')
        {
            if (raw[^1] != ']' || raw.Length > 64
                || !Uri.TryCreate("http://" + raw.ToString() + "/", UriKind.Absolute, out var v6) || v6.HostNameType != UriHostNameType.IPv6)
            {
                error = "the IPv6 address is malformed";
                return false;
            }
            host = v6.Host.ToLowerInvariant();
            error = null;
            return true;
        }
        string h = raw.ToString();
        if (!Ascii.IsValid(h))
        {
            h = UnicodeNormalizer.Normalize(h, NormalizationKind.Nfkc);
            h = h.Replace('\u3002', '.').Replace('\uFF0E', '.').Replace('\uFF61', '.');
        }
        // ASCII lower-cases the same way char by char or rune by rune (and needs no copy when already lower case).
        h = Ascii.IsValid(h) ? h.ToLowerInvariant() : KeywordNormalizer.ToLower(h);
        if (h.EndsWith('.'))
        {
            h = h[..^1];
        }
        if (h.Length == 0)
        {
            error = "the host is empty";
            return false;
        }
        if (LooksNumeric(h) && Uri.TryCreate("http://" + h + "/", UriKind.Absolute, out var v4) && v4.HostNameType == UriHostNameType.IPv4)
        {
            host = v4.Host;
            error = null;
            return true;
        }
        if (!Ascii.IsValid(h))
        {
            try
            {
                h = s_idn.GetAscii(h).ToLowerInvariant();
            }
            catch (ArgumentException)
            {
                error = "the internationalised host name is not valid";
                return false;
            }
        }
        if (h.Length > 253)
        {
            error = "the host is longer than 253 characters";
            return false;
        }
        int labelLength = 0;
        foreach (char c in h)
        {
            if (c == '.')
            {
                if (labelLength == 0)
                {
                    error = "the host has an empty label";
                    return false;
                }
                labelLength = 0;
                continue;
            }
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
            {
                error = "the host contains a character not allowed in host names";
                return false;
            }
            if (++labelLength > 63)
            {
                error = "a host label is longer than 63 characters";
                return false;
            }
        }
        if (labelLength == 0)
        {
            error = "the host has an empty label";
            return false;
        }
        if (h.StartsWith("xn--", StringComparison.Ordinal) || h.Contains(".xn--", StringComparison.Ordinal))
        {
            try
            {
                _ = s_idn.GetUnicode(h);
            }
            catch (ArgumentException)
            {
                error = "a punycode (xn--) label is not valid";
                return false;
            }
        }
        host = h;
        error = null;
        return true;
    }

    private static bool LooksNumeric(string h) =>
        h.Length <= 64 && char.IsAsciiDigit(h[0]) && !h.AsSpan().ContainsAnyExcept("0123456789abcdefx.");

    private static bool IsSchemeName(ReadOnlySpan<char> s)
    {
        if (s.Length == 0 || s.Length > 32 || !char.IsAsciiLetter(s[0]))
        {
            return false;
        }
        foreach (char c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary><c>javascript:</c>, <c>mailto:</c>, <c>data:</c> and the like, written without <c>//</c>.</summary>
    private static bool LooksLikeOtherScheme(ReadOnlySpan<char> text, [NotNullWhen(true)] out string? scheme)
    {
        scheme = null;
        int colon = text.IndexOf(':');
        if (colon <= 0 || colon + 1 >= text.Length || char.IsAsciiDigit(text[colon + 1]))
        {
            return false;
        }
        var name = text[..colon];
        foreach (char c in name)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }
        scheme = name.ToString().ToLowerInvariant();
        return scheme is not ("http" or "https");
    }

    /// <summary>Step 8: decode unreserved escapes, upper-case the rest, encode what may not appear raw.</summary>
    internal static string NormalizeComponent(ReadOnlySpan<char> raw, bool isQuery)
    {
        if (raw.IndexOfAnyExcept(isQuery ? s_plainQueryChars : s_plainPathChars) < 0)
        {
            return raw.ToString(); // nothing to decode or encode (most URLs)
        }
        var sb = new StringBuilder(raw.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '%')
            {
                if (i + 2 < raw.Length && char.IsAsciiHexDigit(raw[i + 1]) && char.IsAsciiHexDigit(raw[i + 2]))
                {
                    int b = (HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]);
                    if (IsUnreserved((char)b))
                    {
                        sb.Append((char)b);
                    }
                    else
                    {
                        sb.Append('%').Append(char.ToUpperInvariant(raw[i + 1])).Append(char.ToUpperInvariant(raw[i + 2]));
                    }
                    i += 2;
                }
                else
                {
                    sb.Append("%25");
                }
                continue;
            }
            if (c < 128 && (IsUnreserved(c) || IsSubDelim(c) || c is ':' or '@' or '/' || (isQuery && c == '?')))
            {
                sb.Append(c);
                continue;
            }
            Rune rune;
            if (char.IsHighSurrogate(c) && i + 1 < raw.Length && char.IsLowSurrogate(raw[i + 1]))
            {
                rune = new Rune(c, raw[i + 1]);
                i++;
            }
            else
            {
                rune = Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar;
            }
            int n = rune.EncodeToUtf8(utf8);
            for (int k = 0; k < n; k++)
            {
                sb.Append('%').Append(HexDigit(utf8[k] >> 4)).Append(HexDigit(utf8[k] & 0xF));
            }
        }
        return sb.ToString();
    }

    // Chars NormalizeComponent copies unchanged: unreserved, sub-delims, ':', '@', '/' (and '?' in a query); not '%'.
    private static readonly SearchValues<char> s_plainPathChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/");
    private static readonly SearchValues<char> s_plainQueryChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?");

    /// <summary>RFC 3986 §5.2.4 remove_dot_segments, linear in the path.</summary>
    internal static string RemoveDotSegments(string path)
    {
        if (path.Length == 0 || (path[0] == '/' && !path.Contains("/.", StringComparison.Ordinal)))
        {
            return path; // no dot segment can start anywhere
        }
        var input = path.ToCharArray();
        var output = new StringBuilder(path.Length);
        int p = 0;
        int n = input.Length;
        bool StartsWith(string prefix) => n - p >= prefix.Length && input.AsSpan(p, prefix.Length).SequenceEqual(prefix);
        bool Is(string whole) => n - p == whole.Length && input.AsSpan(p).SequenceEqual(whole);
        void RemoveLastSegment()
        {
            int k = output.Length - 1;
            while (k >= 0 && output[k] != '/')
            {
                k--;
            }
            output.Length = Math.Max(k, 0);
        }
        while (p < n)
        {
            if (StartsWith("../"))
            {
                p += 3;
            }
            else if (StartsWith("./"))
            {
                p += 2;
            }
            else if (StartsWith("/./"))
            {
                p += 2;
            }
            else if (Is("/."))
            {
                input[p + 1] = '/';
                p += 1;
            }
            else if (StartsWith("/../"))
            {
                p += 3;
                RemoveLastSegment();
            }
            else if (Is("/.."))
            {
                input[p + 2] = '/';
                p += 2;
                RemoveLastSegment();
            }
            else if (Is(".") || Is(".."))
            {
                p = n;
            }
            else
            {
                int start = p;
                p = input[p] == '/' ? p + 1 : p;
                while (p < n && input[p] != '/')
                {
                    p++;
                }
                output.Append(input, start, p - start);
            }
        }
        return output.ToString();
    }

    private static string CollapseSlashes(string path)
    {
        if (!path.Contains("//", StringComparison.Ordinal))
        {
            return path;
        }
        var sb = new StringBuilder(path.Length);
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] != '/' || i == 0 || path[i - 1] != '/')
            {
                sb.Append(path[i]);
            }
        }
        return sb.ToString();
    }

    /// <summary>Lower-cases ASCII letters outside <c>%XX</c> escapes (pathCase: fold).</summary>
    internal static string FoldPathCase(string path)
    {
        var chars = path.ToCharArray();
        FoldPathCase(chars);
        return new string(chars);
    }

    /// <summary>As <see cref="FoldPathCase(string)"/>, in place.</summary>
    internal static void FoldPathCase(Span<char> chars)
    {
        for (int i = 0; i < chars.Length; i++)
        {
            if (chars[i] == '%')
            {
                i += 2;
                continue;
            }
            chars[i] = char.ToLowerInvariant(chars[i]);
        }
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private static bool IsSubDelim(char c) => c is '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static char HexDigit(int v) => (char)(v < 10 ? '0' + v : 'A' + v - 10);
}
