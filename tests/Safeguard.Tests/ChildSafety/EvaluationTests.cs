// SPDX-License-Identifier: Apache-2.0
using Safeguard.ChildSafety.Evaluation;

namespace Safeguard.Tests.ChildSafety;

public class EvaluationTests
{
    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "data", "grooming", name);

    [Fact]
    public void Metrics_HandComputedOutcomes()
    {
        // Four risky (flagged at message 1, at message 3, two missed), two benign (one flagged at 2).
        ConversationOutcome[] outcomes =
        [
            new("r1", true, 1), new("r2", true, 3), new("r3", true, null), new("r4", true, null),
            new("b1", false, 2), new("b2", false, null),
        ];
        var c = EvaluationMetrics.Conversation(outcomes);
        Assert.Equal((2, 1, 2, 1), (c.TruePositives, c.FalsePositives, c.FalseNegatives, c.TrueNegatives));
        Assert.Equal(2.0 / 3, c.Precision!.Value, 12);
        Assert.Equal(0.5, c.Recall!.Value, 12);
        Assert.Equal(4.0 / 7, c.F1!.Value, 12);          // 2PR/(P+R) = (2/3)/(7/6)
        Assert.Equal(0.625, c.F05!.Value, 12);          // 1.25·(1/3) / (0.25·(2/3) + 1/2) = (5/12)/(2/3)

        // k-ref 3: p = ln3/2, penalty(1) = 0, penalty(3) = −1 + 2/(1 + 1/3) = 0.5; median 0.25, speed 0.75.
        var early = EvaluationMetrics.EarlyDetection(outcomes, referenceDelay: 3);
        Assert.Equal(Math.Log(3) / 2, early.PenaltyP, 12);
        Assert.Equal(2, early.MedianMessagesToDetection);
        Assert.Equal(0.75, early.Speed!.Value, 12);
        Assert.Equal(3.0 / 7, early.LatencyWeightedF1!.Value, 12);
        // ERDE5: TPs cost 1 − 1/(1+e^(k−5)) = 0.0179862, 0.1192029; misses 1 each; the false positive 4/6; the TN 0.
        Assert.Equal((0.0179862100 + 0.1192029220 + 2 + 4.0 / 6) / 6, early.Erde5, 8);
    }

    [Fact]
    public void Metrics_NothingFlagged_LeavesPrecisionUndefined()
    {
        var c = EvaluationMetrics.Conversation([new("r", true, null), new("b", false, null)]);
        Assert.Null(c.Precision);
        Assert.Equal(0, c.Recall);
        Assert.Null(c.F05);
        Assert.Null(EvaluationMetrics.EarlyDetection([new("r", true, null)], 10).LatencyWeightedF1);
    }

    [Fact]
    public void Penalty_IsZeroAtTheFirstMessage_AndHalfAtTheReferenceDelay()
    {
        var p = EvaluationMetrics.PenaltyP(10);
        Assert.Equal(0, EvaluationMetrics.Penalty(1, p), 12);
        Assert.Equal(0.5, EvaluationMetrics.Penalty(10, p), 12);
        Assert.True(EvaluationMetrics.Penalty(100, p) > 0.99);
    }

    [Fact]
    public void Evaluate_TinyFile_GivesTheHandComputedFigures()
    {
        using var reader = File.OpenText(DataFile("tiny-eval.jsonl"));
        var report = new GroomingEvaluator().Evaluate(EvaluationSetReader.Read(reader));
        // r1 is flagged at its second message (image request then secrecy: escalator E1); r2 has nothing to find;
        // b1 has no hit; b2's lone age question scores σ(−3) ≈ 0.05, below review.
        Assert.Equal((1, 0, 1, 2), (report.ConversationLevel.TruePositives, report.ConversationLevel.FalsePositives,
            report.ConversationLevel.FalseNegatives, report.ConversationLevel.TrueNegatives));
        Assert.Equal(1.0, report.ConversationLevel.Precision);
        Assert.Equal(0.5, report.ConversationLevel.Recall);
        Assert.Equal(0.625 / 0.75, report.ConversationLevel.F05!.Value, 12);
        Assert.Equal(2, report.EarlyDetection.MedianMessagesToDetection);
        var penalty = -1 + 2 / (1 + Math.Exp(-Math.Log(3) / 9));
        Assert.Equal(2.0 / 3 * (1 - penalty), report.EarlyDetection.LatencyWeightedF1!.Value, 12);
        var perCategory = report.PerCategory!.ToDictionary(c => c.Category);
        Assert.Equal((1, 1, 1), (perCategory["image_request"].Labelled, perCategory["image_request"].Predicted, perCategory["image_request"].TruePositives));
        Assert.Equal((1, 1, 1), (perCategory["age_probe"].Labelled, perCategory["age_probe"].Predicted, perCategory["age_probe"].TruePositives));
        Assert.Equal((0, 0), (perCategory["gift_offer"].Labelled, perCategory["gift_offer"].Predicted));
        Assert.Null(perCategory["gift_offer"].Precision);
    }

    [Fact]
    public void Evaluate_AuthorLabels_GiveAuthorLevelFigures()
    {
        // c1: author p1 drives an escalated conversation (flagged, p1 predicted). c2: p2 is labelled risky but says
        // nothing detectable (missed). c3: benign, nothing flagged. Authors: p1, k1, p2, k2, t1, k3 → TP 1, FN 1, TN 4.
        const string lines = """
            {"id":"c1","label":"risky","riskyAuthors":["p1"],"messages":[{"id":"m1","from":"p1","fromAgeBand":"unknown","to":"k1","toAgeBand":"13-15","text":"send me a picture of yourself"},{"id":"m2","from":"k1","fromAgeBand":"13-15","to":"p1","toAgeBand":"unknown","text":"why"},{"id":"m3","from":"p1","fromAgeBand":"unknown","to":"k1","toAgeBand":"13-15","text":"keep it between us"}]}
            {"id":"c2","label":"risky","riskyAuthors":["p2"],"messages":[{"id":"m1","from":"p2","fromAgeBand":"unknown","to":"k2","toAgeBand":"13-15","text":"hello"},{"id":"m2","from":"k2","fromAgeBand":"13-15","to":"p2","toAgeBand":"unknown","text":"hi"}]}
            {"id":"c3","label":"benign","riskyAuthors":[],"messages":[{"id":"m1","from":"t1","fromAgeBand":"unknown","to":"k3","toAgeBand":"13-15","text":"see you at practice"},{"id":"m2","from":"k3","fromAgeBand":"13-15","to":"t1","toAgeBand":"unknown","text":"ok"}]}
            """;
        var report = new GroomingEvaluator().Evaluate(EvaluationSetReader.Read(new StringReader(lines)));
        var authors = report.AuthorLevel!;
        Assert.Equal((1, 0, 1, 4), (authors.TruePositives, authors.FalsePositives, authors.FalseNegatives, authors.TrueNegatives));
        Assert.Equal(1.0, authors.Precision);
        Assert.Equal(0.5, authors.Recall);
        Assert.Equal(1.25 * 0.5 / (0.25 + 0.5), authors.F05!.Value, 12);
    }

    [Theory]
    [InlineData("{\"id\":\"x\",\"label\":\"maybe\",\"messages\":[]}", "line 1: not a valid conversation at $.label")]
    [InlineData("{\"id\":\"x\",\"label\":\"risky\",\"messages\":[]}", "line 1: messages is empty")]
    [InlineData("{\"id\":\"x\",\"label\":\"risky\"}", "missing required properties")]
    [InlineData("\n{\"id\":\"x\",\"label\":\"risky\",\"messages\":[{\"id\":\"m\",\"from\":\"a\",\"to\":\"b\"}]}", "line 2:")]
    [InlineData("not json", "line 1: not a valid conversation")]
    [InlineData("{\"id\":\"x\",\"label\":\"risky\",\"messages\":[{\"id\":\"m\",\"from\":\"a\",\"to\":\"b\",\"text\":\"hi\",\"colour\":1}]}", "line 1:")]
    public void Reader_BadLine_NamesTheLineAndProblem(string content, string expected)
    {
        var e = Assert.Throws<EvaluationFormatException>(() => EvaluationSetReader.Read(new StringReader(content)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_RepeatedId_IsRejected()
    {
        const string line = "{\"id\":\"x\",\"label\":\"risky\",\"messages\":[{\"id\":\"m\",\"from\":\"a\",\"to\":\"b\",\"text\":\"hi\"}]}";
        var e = Assert.Throws<EvaluationFormatException>(() => EvaluationSetReader.Read(new StringReader(line + "\n" + line)));
        Assert.Contains("line 2: conversation id 'x' is repeated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_EndlessLine_IsRejectedWithoutReadingItAll()
    {
        var e = Assert.Throws<EvaluationFormatException>(() => EvaluationSetReader.Read(new EndlessReader()));
        Assert.Contains("longer than", e.Message, StringComparison.Ordinal);
    }

    private sealed class EndlessReader : TextReader
    {
        public override int Read() => 'a';
    }
}
