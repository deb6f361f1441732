// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Banks;

/// <summary>Reads the entries of an import file one at a time (hash files or text list files).</summary>
public interface IBankEntryReader
{
    /// <summary>Number of the line last read (1-based).</summary>
    long LineNumber { get; }

    /// <summary>The file format in use, as the import reports it (<c>csv</c>, <c>lines</c>, <c>typed</c>, <c>list</c>).</summary>
    string FormatName { get; }

    /// <summary>
    /// Reads the next entry. Returns false at the end. Otherwise exactly one of
    /// <paramref name="entry"/> and <paramref name="error"/> is set.
    /// </summary>
    bool TryReadNext(out NewBankEntry? entry, out BankFileError? error);
}
