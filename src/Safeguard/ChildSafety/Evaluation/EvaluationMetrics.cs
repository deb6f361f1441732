// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.ChildSafety.Evaluation;

/// <summary>Pure metric functions, kept apart from the detector so they can be checked by hand.</summary>
public static class EvaluationMetrics
{
    public static ConversationMetrics Conversation(IReadOnlyList<ConversationOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        int tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var o in outcomes)
        {
            var flagged = o.DetectedAtMessage.HasValue;
            if (o.Risky)
            {
                if (flagged) { tp++; } else { fn++; }
            }
            else
            {
                if (flagged) { fp++; } else { tn++; }
            }
        }
        var precision = Ratio(tp, tp + fp);
        var recall = Ratio(tp, tp + fn);
        return new ConversationMetrics(tp, fp, fn, tn, precision, recall, FBeta(precision, recall, 1), FBeta(precision, recall, 0.5));
    }

    /// <summary><c>F_β = (1 + β²)·P·R / (β²·P + R)</c>; null when P or R is undefined, 0 when both are 0.</summary>
    public static double? FBeta(double? precision, double? recall, double beta)
    {
        if (precision is not { } p || recall is not { } r)
        {
            return null;
        }
        var b2 = beta * beta;
        var denominator = b2 * p + r;
        return denominator == 0 ? 0 : (1 + b2) * p * r / denominator;
    }

    /// <summary>p such that penalty(kRef) = 0.5: <c>p = ln 3 / (kRef − 1)</c>.</summary>
    public static double PenaltyP(int referenceDelay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(referenceDelay, 2);
        return Math.Log(3) / (referenceDelay - 1);
    }

    /// <summary>Sadeque et al.'s latency penalty: <c>−1 + 2 / (1 + e^(−p·(k − 1)))</c>; 0 at k = 1, tending to 1.</summary>
    public static double Penalty(int k, double p) => -1 + 2 / (1 + Math.Exp(-p * (k - 1)));

    /// <summary>Losada and Crestani's latency cost for a true positive decided after k items: <c>1 − 1/(1 + e^(k − o))</c>.</summary>
    public static double LatencyCost(int k, int o) => 1 - 1 / (1 + Math.Exp(k - o));

    public static EarlyDetectionMetrics EarlyDetection(IReadOnlyList<ConversationOutcome> outcomes, int referenceDelay)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var p = PenaltyP(referenceDelay);
        var delays = outcomes.Where(o => o.Risky && o.DetectedAtMessage.HasValue).Select(o => o.DetectedAtMessage!.Value).ToList();
        var f1 = Conversation(outcomes).F1;
        double? speed = delays.Count == 0 ? null : 1 - Median(delays.Select(k => Penalty(k, p)).ToList());
        return new EarlyDetectionMetrics(
            referenceDelay,
            p,
            delays.Count == 0 ? null : Median(delays.Select(k => (double)k).ToList()),
            delays.Count == 0 ? null : delays.Average(),
            speed,
            speed is { } s && f1 is { } f ? f * s : null,
            Erde(outcomes, 5),
            Erde(outcomes, 50));
    }

    /// <summary>
    /// ERDE_o: mean cost per conversation. False positive: the share of risky conversations in the set; false negative: 1;
    /// true positive: <see cref="LatencyCost"/>; true negative: 0.
    /// </summary>
    public static double Erde(IReadOnlyList<ConversationOutcome> outcomes, int o)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 0)
        {
            return 0;
        }
        var falsePositiveCost = (double)outcomes.Count(x => x.Risky) / outcomes.Count;
        var total = 0.0;
        foreach (var x in outcomes)
        {
            total += (x.Risky, x.DetectedAtMessage) switch
            {
                (true, { } k) => LatencyCost(k, o),
                (true, null) => 1,
                (false, not null) => falsePositiveCost,
                _ => 0,
            };
        }
        return total / outcomes.Count;
    }

    public static double? Ratio(int numerator, int denominator) => denominator == 0 ? null : (double)numerator / denominator;

    private static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
