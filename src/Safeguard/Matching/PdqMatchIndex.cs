// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Matching;

/// <summary>Creates the index that hosts and commands use by default.</summary>
public static class PdqMatchIndex
{
    /// <summary>A new, empty index of the best kind for live banks.</summary>
    public static IPdqMatchIndex CreateDefault() => new PdqRadiusIndex();
}
