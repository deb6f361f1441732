// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;

namespace Safeguard.Cli.Tests;

public class GroomingCommandTests
{
    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "data", "grooming", name);

    [Fact]
    public async Task Eval_TinyFile_PrintsTheFiguresAsJson()
    {
        var result = await CliRunner.RunAsync(["grooming", "eval", DataFile("tiny-eval.jsonl")]);
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var conversation = doc.RootElement.GetProperty("conversationLevel");
        Assert.Equal(1.0, conversation.GetProperty("precision").GetDouble());
        Assert.Equal(0.5, conversation.GetProperty("recall").GetDouble());
        Assert.Equal(5.0 / 6, conversation.GetProperty("f05").GetDouble(), 12);
        var early = doc.RootElement.GetProperty("earlyDetection");
        Assert.Equal(2, early.GetProperty("medianMessagesToDetection").GetDouble());
        Assert.True(early.TryGetProperty("latencyWeightedF1", out _));
        Assert.Equal(10, doc.RootElement.GetProperty("perCategory").GetArrayLength());
    }

    [Fact]
    public async Task Eval_MissingFile_IsUsageError()
    {
        var result = await CliRunner.RunAsync(["grooming", "eval", "/nonexistent/conversations.jsonl"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_BadLine_FailsNamingTheLine_WithoutQuotingText()
    {
        var path = Path.Combine(Path.GetTempPath(), $"grooming-bad-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(path, "{\"id\":\"a\",\"label\":\"benign\",\"messages\":[{\"id\":\"m\",\"from\":\"x\",\"to\":\"y\",\"text\":\"bluebird\"}]}\n{\"id\":\"b\",\"label\":\"bluebird\",\"messages\":[]}\n", TestContext.Current.CancellationToken);
        try
        {
            var result = await CliRunner.RunAsync(["grooming", "eval", path]);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("line 2", result.StdErr, StringComparison.Ordinal);
            Assert.DoesNotContain("bluebird", result.StdErr, StringComparison.Ordinal);
            Assert.Equal("", result.StdOut);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Eval_BadCaseTier_IsUsageError()
    {
        var result = await CliRunner.RunAsync(["grooming", "eval", DataFile("tiny-eval.jsonl"), "--case-tier", "soon"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--case-tier", result.StdErr, StringComparison.Ordinal);
    }
}
