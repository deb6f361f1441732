// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Safeguard.ChildSafety.Conversations;

namespace Safeguard.ChildSafety.Evaluation;

/// <summary>A line of an evaluation file is wrong; the message names the line and the problem, never the text.</summary>
public sealed class EvaluationFormatException(int line, string problem) : Exception($"line {line}: {problem}")
{
    public int Line { get; } = line;
}

/// <summary>Reads evaluation conversations as JSON lines, with limits so that hostile input cannot exhaust memory.</summary>
public static class EvaluationSetReader
{
    public const int MaxLineChars = 4 * 1024 * 1024;
    public const int MaxConversations = 100_000;
    public const int MaxMessagesPerConversation = 10_000;

    /// <exception cref="EvaluationFormatException">A line is not a valid conversation.</exception>
    public static List<EvaluationConversation> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var conversations = new List<EvaluationConversation>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var builder = new StringBuilder();
        var lineNumber = 0;
        while (ReadBoundedLine(reader, builder, ++lineNumber))
        {
            var line = builder.ToString();
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            if (conversations.Count == MaxConversations)
            {
                throw new EvaluationFormatException(lineNumber, $"more than {MaxConversations} conversations");
            }
            EvaluationConversation? conversation;
            try
            {
                conversation = JsonSerializer.Deserialize(line, ChildSafetyJsonContext.Default.EvaluationConversation);
            }
            catch (JsonException e)
            {
                throw new EvaluationFormatException(lineNumber, Describe(e));
            }
            if (conversation is null)
            {
                throw new EvaluationFormatException(lineNumber, "expected a JSON object");
            }
            Check(conversation, lineNumber);
            if (!ids.Add(conversation.Id))
            {
                throw new EvaluationFormatException(lineNumber, $"conversation id '{conversation.Id}' is repeated");
            }
            conversations.Add(conversation);
        }
        return conversations;
    }

    private static void Check(EvaluationConversation c, int line)
    {
        if (string.IsNullOrWhiteSpace(c.Id))
        {
            throw new EvaluationFormatException(line, "id is empty");
        }
        if (c.Messages is null || c.Messages.Count == 0)
        {
            throw new EvaluationFormatException(line, "messages is empty");
        }
        if (c.Messages.Count > MaxMessagesPerConversation)
        {
            throw new EvaluationFormatException(line, $"more than {MaxMessagesPerConversation} messages");
        }
        for (var i = 0; i < c.Messages.Count; i++)
        {
            var m = c.Messages[i];
            if (m is null || string.IsNullOrEmpty(m.Id) || string.IsNullOrEmpty(m.From) || string.IsNullOrEmpty(m.To) || m.Text is null)
            {
                throw new EvaluationFormatException(line, $"message {i + 1} needs id, from, to and text");
            }
            if (m.Text.Length > MessageDetector.MaxTextLength)
            {
                throw new EvaluationFormatException(line, $"message {i + 1} text is longer than {MessageDetector.MaxTextLength} characters");
            }
        }
    }

    private static string Describe(JsonException e)
    {
        // System.Text.Json messages name the path and the expected type, not the offending value.
        var where = string.IsNullOrEmpty(e.Path) ? "" : $" at {e.Path}";
        return e.Message.Contains("missing required properties", StringComparison.Ordinal)
            ? e.Message
            : $"not a valid conversation{where} (check field names, types, and the label, band and category values)";
    }

    private static bool ReadBoundedLine(TextReader reader, StringBuilder builder, int lineNumber)
    {
        builder.Clear();
        var any = false;
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
            {
                return any;
            }
            any = true;
            if (c == '\n')
            {
                if (builder.Length > 0 && builder[^1] == '\r')
                {
                    builder.Length--;
                }
                return true;
            }
            if (builder.Length == MaxLineChars)
            {
                throw new EvaluationFormatException(lineNumber, $"line is longer than {MaxLineChars} characters");
            }
            builder.Append((char)c);
        }
    }
}
