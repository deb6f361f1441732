// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Text;
using System.Text.Json;
using Safeguard.Banks;

namespace Safeguard.Storage;

/// <summary>
/// Builds the JSON payload of an audit entry: one flat object, fields in the order given, so the
/// same change always produces the same bytes (the chain hashes them).
/// </summary>
public sealed class AuditPayload
{
    private readonly List<(string Name, object? Value)> _fields = [];

    /// <summary>Starts a payload naming who made the change.</summary>
    public static AuditPayload By(string actor) => new AuditPayload().With("actor", actor);

    /// <summary>Adds a field (string, number, bool, string list or null).</summary>
    public AuditPayload With(string name, object? value)
    {
        _fields.Add((name, value));
        return this;
    }

    /// <summary>
    /// Adds an entry's value: hashes as they are; text entries (URLs, domains, keywords) only as the
    /// SHA-256 of their UTF-8 text, so the append-only audit log never holds listed URLs or terms,
    /// which deleting an entry could then not remove.
    /// </summary>
    public AuditPayload WithEntryValue(HashKind kind, string value) =>
        kind.IsText() && kind != HashKind.UrlSha256
            ? With("valueSha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(value))))
            : With("value", value);

    /// <summary>The JSON text.</summary>
    public override string ToString()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, value) in _fields)
            {
                json.WritePropertyName(name);
                switch (value)
                {
                    case null: json.WriteNullValue(); break;
                    case string s: json.WriteStringValue(s); break;
                    case bool b: json.WriteBooleanValue(b); break;
                    case int i: json.WriteNumberValue(i); break;
                    case long l: json.WriteNumberValue(l); break;
                    case IEnumerable<string> list:
                        json.WriteStartArray();
                        foreach (var item in list)
                        {
                            json.WriteStringValue(item);
                        }
                        json.WriteEndArray();
                        break;
                    default: throw new ArgumentException($"audit field {name} has an unsupported type {value.GetType().Name}");
                }
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
