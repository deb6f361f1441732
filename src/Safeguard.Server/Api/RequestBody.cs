// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Safeguard.Server.Api;

/// <summary>
/// Reads request bodies with explicit limits and clear errors: JSON into a source-generated type,
/// or an upload (multipart field or raw body) into a stream. Errors are thrown as
/// <see cref="BadBodyException"/>, <see cref="PayloadTooLargeException"/> or
/// <see cref="UnsupportedMediaTypeException"/> and become problem details.
/// </summary>
internal static class RequestBody
{
    private const int MaxJsonBytes = 1024 * 1024;

    public static bool IsJson(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) &&
        (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    public static bool IsMultipart(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads a JSON body; a missing or malformed body is a 400 naming the field.</summary>
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken ct)
        where T : class =>
        Deserialize(await ReadJsonBytesAsync(request, ct).ConfigureAwait(false), type);

    /// <summary>Reads a JSON body's bytes (at most 1 MiB); empty is a 400.</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadJsonBytesAsync(HttpRequest request, CancellationToken ct)
    {
        if (!IsJson(request))
        {
            throw new UnsupportedMediaTypeException("application/json");
        }
        using var buffer = new MemoryStream();
        await CopyLimitedAsync(request, request.Body, buffer, MaxJsonBytes, ct).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            throw new BadBodyException("body", "a JSON object is required");
        }
        return buffer.ToArray();
    }

    /// <summary>Deserialises JSON read by <see cref="ReadJsonBytesAsync"/>; errors are a 400 naming the field.</summary>
    public static T Deserialize<T>(ReadOnlyMemory<byte> json, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json.Span, type) ?? throw new BadBodyException("body", "a JSON object is required");
        }
        catch (JsonException e) when (MissingRequired(e) is { } missing)
        {
            throw new BadBodyException(missing, "required");
        }
        catch (JsonException e)
        {
            throw new BadBodyException(FieldOf(e), "is not valid here (malformed JSON, a wrong type, or an unknown field)");
        }
    }

    // "$.hashes.pdq" → "hashes.pdq"; the root → "body".
    private static string FieldOf(JsonException e)
    {
        var path = e.Path;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    // A missing C# 'required' member: System.Text.Json names it in the message ("...missing required
    // properties including: 'actor'."). The name comes from our own contract, never from the input.
    private static string? MissingRequired(JsonException e)
    {
        const string Marker = "missing required properties including: '";
        int at = e.Message.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        int start = at + Marker.Length, end = e.Message.IndexOf('\'', start);
        if (end <= start || end - start > 64)
        {
            return null;
        }
        string name = e.Message[start..end];
        string parent = FieldOf(e);
        return parent == "body" ? name : $"{parent}.{name}";
    }

    /// <summary>
    /// Copies an upload into <paramref name="destination"/>: the multipart part named
    /// <paramref name="field"/>, or the raw body when its type is one of <paramref name="rawTypes"/>.
    /// Returns the multipart text fields met before the file (e.g. contentRef).
    /// </summary>
    public static async Task<Dictionary<string, string>> ReadUploadAsync(HttpRequest request, string field, string[] rawTypes, Stream destination, long limit, CancellationToken ct)
    {
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            // Allow a little over the payload limit for multipart framing; the payload itself is counted below.
            sizeFeature.MaxRequestBodySize = limit + (64 * 1024);
        }
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (IsMultipart(request))
        {
            MediaTypeHeaderValue.TryParse(request.ContentType, out var type);
            var boundary = HeaderUtilities.RemoveQuotes(type!.Boundary).Value;
            if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
            {
                throw new BadBodyException(field, "the multipart body has no valid boundary");
            }
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
            try
            {
                while (await reader.ReadNextSectionAsync(ct).ConfigureAwait(false) is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                    {
                        continue;
                    }
                    string name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                    if (string.Equals(name, field, StringComparison.OrdinalIgnoreCase))
                    {
                        await CopyLimitedAsync(request, section.Body, destination, limit, ct).ConfigureAwait(false);
                        return fields;
                    }
                    if (fields.Count < 16)
                    {
                        using var text = new MemoryStream();
                        await CopyLimitedAsync(request, section.Body, text, 4096, ct, tooLarge: () => new BadBodyException(name.Length <= 50 ? name : "field", "is too long")).ConfigureAwait(false);
                        fields[name] = System.Text.Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
                    }
                }
            }
            catch (InvalidDataException)
            {
                throw new BadBodyException(field, "the multipart body is malformed");
            }
            catch (IOException) when (!ct.IsCancellationRequested)
            {
                throw new BadBodyException(field, "the multipart body ended early");
            }
            throw new BadBodyException(field, $"the multipart body has no part named '{field}'");
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var raw) ||
            !rawTypes.Any(t => t.EndsWith("/*", StringComparison.Ordinal)
                ? raw.MediaType.StartsWith(t[..^1], StringComparison.OrdinalIgnoreCase)
                : raw.MediaType.Equals(t, StringComparison.OrdinalIgnoreCase)))
        {
            throw new UnsupportedMediaTypeException($"multipart/form-data with a '{field}' part, or a raw body of type {string.Join(", ", rawTypes)}");
        }
        await CopyLimitedAsync(request, request.Body, destination, limit, ct).ConfigureAwait(false);
        return fields;
    }

    private static async Task CopyLimitedAsync(HttpRequest request, Stream source, Stream destination, long limit, CancellationToken ct, Func<Exception>? tooLarge = null)
    {
        if (request.ContentLength > limit + (64 * 1024) && tooLarge is null)
        {
            throw new PayloadTooLargeException(limit);
        }
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    throw tooLarge?.Invoke() ?? new PayloadTooLargeException(limit);
                }
                await destination.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            // Upload bytes are content: clear before the buffer goes back to the pool.
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }
}
