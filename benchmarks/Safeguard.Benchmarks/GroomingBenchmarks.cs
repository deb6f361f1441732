// SPDX-License-Identifier: Apache-2.0
using BenchmarkDotNet.Attributes;
using Safeguard.ChildSafety;
using Safeguard.ChildSafety.Behaviour;
using Safeguard.ChildSafety.Conversations;
using Safeguard.ChildSafety.Policy;

namespace Safeguard.Benchmarks;

/// <summary>Child-safety hot paths: one policy decision, one message through the detectors, one behaviour event.</summary>
[MemoryDiagnoser]
public class GroomingBenchmarks
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 16, 0, 0, TimeSpan.Zero);
    private readonly MessageDetector _detector = new();
    private readonly ChildSafetyRequest _request = new()
    {
        Action = ChildSafetyAction.Message,
        Actor = new ChildSafetyAccount { Id = "a", AgeBand = AgeBand.Adult, AgeAssurance = AgeAssurance.Declared },
        Target = new ChildSafetyAccount { Id = "k", AgeBand = AgeBand.Age13To15, AgeAssurance = AgeAssurance.Estimated },
    };
    private BehaviourRiskEngine _behaviour = new();
    private int _n;

    [Params("ok see you at practice on thursday, bring your boots", "h0w 0ld r u? dont tell ur parents we talk ok")]
    public string Text { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _behaviour = new BehaviourRiskEngine();
        _n = 0;
    }

    [Benchmark]
    public ChildSafetyDecision Decide() => ChildSafetyPolicy.Default.Decide(_request);

    [Benchmark]
    public int DetectMessage() => _detector.Detect("m1", Text).Count;

    [Benchmark]
    public int BehaviourEvent()
    {
        _n++;
        return _behaviour.Record(new ChildSafetyEvent
        {
            Type = ChildSafetyEventType.MessageSent,
            Time = Start.AddSeconds(_n),
            Actor = _request.Actor,
            Target = new ChildSafetyAccount { Id = "k" + (_n & 1023), AgeBand = AgeBand.Age13To15 },
            TargetUtcOffsetMinutes = 0,
        }).Signals.Count;
    }
}
