// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Safeguard.Banks;

/// <summary>What <see cref="BoundedLineReader.Read"/> found.</summary>
internal enum LineState
{
    Line,
    TooLong,
    End,
}

/// <summary>
/// Reads lines with bounded memory: a line longer than the limit is consumed to its end but only
/// reported as too long, so a file without newlines costs at most one line of the limit.
/// '\r' is dropped, so CRLF and LF files read alike.
/// </summary>
internal sealed class BoundedLineReader(TextReader reader, int maxLength)
{
    /// <summary>Number of the line last read (1-based).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Reads the next line into <paramref name="line"/> (cleared first).</summary>
    public LineState Read(StringBuilder line)
    {
        line.Clear();
        bool tooLong = false;
        int c;
        bool any = false;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            if (c == '\n')
            {
                break;
            }
            if (c == '\r')
            {
                continue;
            }
            if (line.Length >= maxLength)
            {
                tooLong = true;
                continue;
            }
            line.Append((char)c);
        }
        if (!any)
        {
            return LineState.End;
        }
        LineNumber++;
        return tooLong ? LineState.TooLong : LineState.Line;
    }
}
