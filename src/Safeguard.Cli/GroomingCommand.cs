// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Text.Json;
using Safeguard.ChildSafety;
using Safeguard.ChildSafety.Conversations;
using Safeguard.ChildSafety.Evaluation;

namespace Safeguard.Cli;

/// <summary><c>safeguard grooming eval FILE</c>: measures the grooming detector on labelled conversations (JSON lines).</summary>
internal static class GroomingCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "Conversations as JSON lines: {\"id\",\"label\":\"risky|benign\",\"messages\":[…]}." };
        var referenceDelay = new Option<int>("--k-ref")
        {
            Description = "Messages at which the latency penalty reaches 0.5 (sets p = ln 3 / (k-ref − 1)).",
            DefaultValueFactory = _ => GroomingEvaluator.DefaultReferenceDelay,
        };
        var caseTier = new Option<string>("--case-tier")
        {
            Description = "Tier at which a conversation counts as detected: watch, review or urgent.",
            DefaultValueFactory = _ => "review",
        };
        var eval = new Command("eval", "Report per-category, conversation-level and early-detection figures as JSON.") { file, referenceDelay, caseTier };
        eval.SetAction(parse => Evaluate(parse.GetValue(file)!, parse.GetValue(referenceDelay), parse.GetValue(caseTier)!));
        return new Command("grooming", "Grooming-risk detection: evaluate the detector on labelled conversations.") { eval };
    }

    private static int Evaluate(FileInfo file, int referenceDelay, string caseTier)
    {
        if (referenceDelay < 2)
        {
            throw new UsageException("--k-ref must be at least 2");
        }
        var tier = caseTier switch
        {
            "watch" => RiskTier.Watch,
            "review" => RiskTier.Review,
            "urgent" => RiskTier.Urgent,
            _ => throw new UsageException("--case-tier must be watch, review or urgent"),
        };
        if (!file.Exists)
        {
            throw new UsageException($"file '{file.FullName}' does not exist");
        }
        List<EvaluationConversation> conversations;
        try
        {
            using var reader = file.OpenText();
            conversations = EvaluationSetReader.Read(reader);
        }
        catch (EvaluationFormatException e)
        {
            Console.Error.WriteLine($"safeguard: {file.Name}: {e.Message}");
            return CliApp.ExitSomeFailed;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"safeguard: {file.Name} could not be read ({e.GetType().Name})");
            return CliApp.ExitSomeFailed;
        }
        if (conversations.Count == 0)
        {
            Console.Error.WriteLine($"safeguard: {file.Name} holds no conversations");
            return CliApp.ExitSomeFailed;
        }
        var evaluator = new GroomingEvaluator(new ConversationRiskOptions { CaseTier = tier });
        var report = evaluator.Evaluate(conversations, referenceDelay);
        Console.Out.WriteLine(JsonSerializer.Serialize(report, ChildSafetyJsonContext.Default.EvaluationReport));
        return CliApp.ExitOk;
    }
}
