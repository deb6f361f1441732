// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Safeguard.ChildSafety.Conversations;

/// <summary>
/// The reviewed phrase tables: per category, compiled patterns and curated example phrasings (the examples also feed the
/// optional embedding scorer). Loaded from a versioned JSON data file; the default English file ships embedded.
/// </summary>
public sealed class GroomingLexicon
{
    public const string FormatName = "safeguard-grooming-lexicon";
    public const int SupportedVersion = 1;
    private const string DefaultResource = "Safeguard.ChildSafety.Data.grooming-lexicon-en.json";
    private static readonly Lazy<GroomingLexicon> LazyDefault = new(LoadEmbedded);

    private GroomingLexicon(int version, string language, IReadOnlyList<LexiconCategory> categories, IReadOnlyList<PhrasePattern> patterns)
    {
        Version = version;
        Language = language;
        Categories = categories;
        Patterns = patterns;
    }

    public static GroomingLexicon Default => LazyDefault.Value;

    public int Version { get; }

    public string Language { get; }

    public IReadOnlyList<LexiconCategory> Categories { get; }

    internal IReadOnlyList<PhrasePattern> Patterns { get; }

    /// <exception cref="InvalidDataException">The file is not a valid lexicon; the message names what is wrong.</exception>
    public static GroomingLexicon Load(Stream utf8Json)
    {
        LexiconFile? file;
        try
        {
            file = JsonSerializer.Deserialize(utf8Json, LexiconJsonContext.Default.LexiconFile);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"grooming lexicon is not valid JSON at line {e.LineNumber + 1}", e);
        }
        if (file is null || file.Format != FormatName)
        {
            throw new InvalidDataException($"grooming lexicon: format must be '{FormatName}'");
        }
        if (file.Version != SupportedVersion)
        {
            throw new InvalidDataException($"grooming lexicon: version {file.Version} is not supported (expected {SupportedVersion})");
        }
        var categories = new List<LexiconCategory>();
        var patterns = new List<PhrasePattern>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in file.Categories ?? [])
        {
            if (!GroomingCategories.TryParse(entry.Code ?? "", out var category))
            {
                throw new InvalidDataException($"grooming lexicon: unknown category code '{entry.Code}'");
            }
            var compiled = new List<LexiconPatternInfo>();
            foreach (var p in entry.Patterns ?? [])
            {
                if (string.IsNullOrWhiteSpace(p.Id) || !ids.Add(p.Id))
                {
                    throw new InvalidDataException($"grooming lexicon: pattern id '{p.Id}' in {entry.Code} is missing or repeated");
                }
                try
                {
                    patterns.Add(PhrasePattern.Compile(p.Id, category, p.Pattern ?? ""));
                }
                catch (FormatException e)
                {
                    throw new InvalidDataException($"grooming lexicon: {e.Message}", e);
                }
                compiled.Add(new LexiconPatternInfo(p.Id, p.Pattern ?? ""));
            }
            categories.Add(new LexiconCategory(category, compiled, entry.Examples ?? []));
        }
        return new GroomingLexicon(file.Version, file.Language ?? "", categories, patterns);
    }

    private static GroomingLexicon LoadEmbedded()
    {
        using var stream = typeof(GroomingLexicon).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"embedded resource {DefaultResource} is missing from the build");
        return Load(stream);
    }
}

/// <summary>One category of the lexicon: its patterns and its curated example phrasings.</summary>
public sealed record LexiconCategory(GroomingCategory Category, IReadOnlyList<LexiconPatternInfo> Patterns, IReadOnlyList<string> Examples);

public sealed record LexiconPatternInfo(string Id, string Pattern);

internal sealed class LexiconFile
{
    public string? Format { get; set; }

    public int Version { get; set; }

    public string? Language { get; set; }

    public string? Note { get; set; }

    public List<LexiconFileCategory>? Categories { get; set; }
}

internal sealed class LexiconFileCategory
{
    public string? Code { get; set; }

    public List<LexiconFilePattern>? Patterns { get; set; }

    public List<string>? Examples { get; set; }
}

internal sealed class LexiconFilePattern
{
    public string? Id { get; set; }

    public string? Pattern { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(LexiconFile))]
internal sealed partial class LexiconJsonContext : JsonSerializerContext;
