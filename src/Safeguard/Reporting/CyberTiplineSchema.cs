// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Safeguard.Reporting;

/// <summary>
/// NCMEC's CyberTipline XML schema, compiled. Every document is validated against it before it is
/// sent. In production the schema comes from the API's <c>GET /xsd</c> (see
/// <see cref="LiveCyberTiplineSchemaSource"/>); Safeguard does not ship NCMEC's schema in its
/// release artefacts (licence not settled, see tests/data/ncmec/SOURCE.md).
/// </summary>
public sealed class CyberTiplineSchema
{
    private readonly XmlSchemaSet _set;

    private CyberTiplineSchema(XmlSchemaSet set, string sha256)
    {
        _set = set;
        Sha256 = sha256;
    }

    /// <summary>Lowercase hex SHA-256 of the schema bytes; recorded with every submission.</summary>
    public string Sha256 { get; }

    /// <summary>Compiles a schema from its bytes; throws <see cref="FormatException"/> naming the problem.</summary>
    public static CyberTiplineSchema Load(byte[] xsd)
    {
        ArgumentNullException.ThrowIfNull(xsd);
        var set = new XmlSchemaSet { XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(xsd), SafeReaderSettings());
            set.Add(null, reader);
            set.Compile();
        }
        catch (Exception e) when (e is XmlException or XmlSchemaException)
        {
            throw new FormatException($"the CyberTipline schema does not compile: {e.Message}", e);
        }
        if (!set.GlobalElements.Contains(new XmlQualifiedName("report")) || !set.GlobalElements.Contains(new XmlQualifiedName("fileDetails")))
        {
            throw new FormatException("the schema has no global 'report' or 'fileDetails' element: not a CyberTipline schema");
        }
        return new CyberTiplineSchema(set, Convert.ToHexStringLower(SHA256.HashData(xsd)));
    }

    /// <summary>Loads a schema file.</summary>
    public static CyberTiplineSchema LoadFile(string path) => Load(File.ReadAllBytes(path));

    /// <summary>Validates a document; returns the validator's messages (empty when valid).</summary>
    public IReadOnlyList<string> Validate(XDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = new List<string>();
        document.Validate(_set, (_, e) => errors.Add(e.Severity == XmlSeverityType.Error ? e.Message : "warning: " + e.Message));
        return errors;
    }

    /// <summary>Reader settings that refuse DTDs and external resources (hostile input).</summary>
    internal static XmlReaderSettings SafeReaderSettings() => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = 16 * 1024 * 1024,
    };
}

/// <summary>Where the sender gets the schema to validate against.</summary>
public interface ICyberTiplineSchemaSource
{
    Task<CyberTiplineSchema> GetAsync(CancellationToken cancellationToken);
}

/// <summary>A fixed schema (a file the operator supplies, or tests).</summary>
public sealed class FixedCyberTiplineSchemaSource(CyberTiplineSchema schema) : ICyberTiplineSchemaSource
{
    public Task<CyberTiplineSchema> GetAsync(CancellationToken cancellationToken) => Task.FromResult(schema);
}

/// <summary>Fetches the live schema from <c>GET /xsd</c> and refreshes it every 24 hours.</summary>
public sealed class LiveCyberTiplineSchemaSource(CyberTiplineClient client, TimeProvider? time = null) : ICyberTiplineSchemaSource
{
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromHours(24);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CyberTiplineSchema? _schema;
    private DateTimeOffset _fetchedAt;

    public async Task<CyberTiplineSchema> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schema is null || _time.GetUtcNow() - _fetchedAt >= RefreshAfter)
            {
                _schema = CyberTiplineSchema.Load(await client.GetSchemaAsync(cancellationToken).ConfigureAwait(false));
                _fetchedAt = _time.GetUtcNow();
            }
            return _schema;
        }
        finally
        {
            _gate.Release();
        }
    }
}
