// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Safeguard.ChildSafety.Conversations;
using Safeguard.ChildSafety.Evaluation;

namespace Safeguard.Tests.ChildSafety;

/// <summary>Checks on our own evaluation set (tests/data/grooming/grooming-eval.jsonl): its shape, its separation from
/// the detector's phrase tables, and a regression floor for the detector on it.</summary>
public class EvaluationSetTests
{
    private static readonly Lazy<List<EvaluationConversation>> Set = new(() =>
    {
        using var reader = File.OpenText(Path.Combine(AppContext.BaseDirectory, "data", "grooming", "grooming-eval.jsonl"));
        return EvaluationSetReader.Read(reader);
    });

    [Fact]
    public void Set_HasAtLeastSixtyConversations_BothLabels_AndEveryCategoryLabelled()
    {
        Assert.True(Set.Value.Count >= 60, $"{Set.Value.Count} conversations");
        Assert.True(Set.Value.Count(c => c.Label == EvaluationLabel.Risky) >= 30);
        Assert.True(Set.Value.Count(c => c.Label == EvaluationLabel.Benign) >= 30);
        var labelled = Set.Value.SelectMany(c => c.Messages).SelectMany(m => m.Categories ?? []).ToHashSet();
        Assert.Equal(GroomingCategories.All.Order(), labelled.Order());
    }

    [Fact]
    public void Set_SharesNoPhrasingWithThePhraseTables()
    {
        var lexicon = GroomingLexicon.Default;
        var tableEntries = lexicon.Categories
            .SelectMany(c => c.Examples.Concat(c.Patterns.Select(p => p.Pattern)))
            .Select(Canonical)
            .ToHashSet(StringComparer.Ordinal);
        var examples = lexicon.Categories.SelectMany(c => c.Examples).Select(Canonical).ToList();
        foreach (var message in Set.Value.SelectMany(c => c.Messages))
        {
            var text = Canonical(message.Text);
            Assert.False(tableEntries.Contains(text), $"eval message {message.Id} equals a phrase-table entry");
            var shared = examples.FirstOrDefault(e => text.Contains(e, StringComparison.Ordinal));
            Assert.True(shared is null, $"eval message {message.Id} contains the curated example '{shared}'");
        }
    }

    [Fact]
    public void Detector_OnOurSet_StaysAboveTheRegressionFloor()
    {
        // A floor, not the recorded figures (docs/child-safety.md): it catches a lexicon or scoring change that breaks
        // detection, while leaving room to trade a little recall for precision on purpose.
        var report = new GroomingEvaluator().Evaluate(Set.Value);
        Assert.True(report.ConversationLevel.Precision >= 0.9, $"precision {report.ConversationLevel.Precision}");
        Assert.True(report.ConversationLevel.Recall >= 0.75, $"recall {report.ConversationLevel.Recall}");
    }

    private static string Canonical(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c))
            {
                if (space && builder.Length > 0)
                {
                    builder.Append(' ');
                }
                builder.Append(c);
                space = false;
            }
            else if (c is not '\'' and not '\u2019')
            {
                space = true;
            }
        }
        return builder.ToString();
    }
}
